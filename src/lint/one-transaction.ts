/**
 * `db-action apply` runs a transactional file as ONE transaction (sql/transaction.ts isTransactionalFile), and lint
 * traces it the same way (trace-files.ts). Some statements fail only there; this says what to do about them.
 */

/**
 * SQLSTATEs that mean "fine on its own, not inside the migration's transaction": unsafe use of an enum value added in
 * the same transaction, a statement refused in a transaction block, a DO block or procedure that COMMITs.
 */
export const ONE_TRANSACTION_CODES: ReadonlySet<string> = new Set(['55P04', '25001', '2D000']);

/** What to do about a failure that only happens in one transaction. */
export function oneTransactionHint(code: string): string {
  if (code === '55P04') {
    return 'a new enum value cannot be used in the transaction that adds it: move ALTER TYPE … ADD VALUE into a migration of its own, before the one that uses it';
  }
  return 'this statement cannot run inside the migration’s transaction: put `-- db-action:tx-mode none` at the top of the file (each statement then commits on its own), or move it into a migration of its own';
}
