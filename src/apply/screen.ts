/**
 * A conservative screen that lets most files skip statement splitting: a transactional file runs as
 * its raw text in one query, and only needs its statements when it fails (to locate the error).
 * A file must be parsed up front when it may hold a statement that cannot run in a transaction, a
 * BEGIN/COMMIT of its own, or a transaction directive. Matching a keyword anywhere (also in strings,
 * comments and function bodies) only costs a parse, never correctness.
 */
const MAY_NEED_STATEMENTS =
  /\b(?:concurrently|vacuum|database|tablespace|system|reindex|cluster|discard|subscription|detach|prepared?|begin|start|commit|end|rollback|abort|tx-?mode|no-transaction)\b/i;

/** False only when the SQL surely has no non-transactional statement, no transaction control and no tx directive. */
export function mayNeedStatements(sql: string): boolean {
  return MAY_NEED_STATEMENTS.test(sql);
}
