/**
 * Whether a statement may run inside a transaction block, and whether it is itself transaction control.
 * Every "false" below was checked against PostgreSQL 15 (`BEGIN; <stmt>;` fails with "... cannot run
 * inside a transaction block"), and __tests__/sql/transaction.test.ts re-checks them on a real server.
 */
import { nodeBody, nodeKind } from './targets.js';
import type { ParsedMigration } from './types.js';

type Node = Record<string, unknown>;

function defElemNames(list: unknown): { name: string; value: string | undefined }[] {
  if (!Array.isArray(list)) return [];
  const out: { name: string; value: string | undefined }[] = [];
  for (const item of list) {
    const d = (item as Node | undefined)?.DefElem as Node | undefined;
    if (!d || typeof d.defname !== 'string') continue;
    const arg = d.arg as Node | undefined;
    const str = (arg?.String as Node | undefined)?.sval;
    const bool = (arg?.Boolean as Node | undefined)?.boolval;
    const int = (arg?.Integer as Node | undefined)?.ival;
    const value =
      typeof str === 'string' ? str : bool !== undefined ? String(bool) : int !== undefined ? String(int) : undefined;
    out.push({ name: d.defname.toLowerCase(), value });
  }
  return out;
}

/** A boolean option written as `opt`, `opt = true|on|1` counts as true; `false|off|0` as false. */
function optionIsFalse(options: unknown, name: string): boolean {
  const o = defElemNames(options).find((d) => d.name === name);
  return o !== undefined && o.value !== undefined && ['false', 'off', '0'].includes(o.value.toLowerCase());
}

/** False when PostgreSQL refuses the statement inside a transaction block. */
export function isTransactional(ast: Node): boolean {
  const kind = nodeKind(ast);
  const n = nodeBody(ast);
  switch (kind) {
    case 'IndexStmt': // CREATE INDEX CONCURRENTLY
    case 'DropStmt': // DROP INDEX CONCURRENTLY (the only DROP with `concurrent`)
      return n.concurrent !== true;
    case 'ReindexStmt': {
      // REINDEX ... CONCURRENTLY, and REINDEX SCHEMA/DATABASE/SYSTEM (they commit per table);
      // plain REINDEX TABLE/INDEX is fine in a transaction.
      if (defElemNames(n.params).some((d) => d.name === 'concurrently')) return false;
      return n.kind === 'REINDEX_OBJECT_TABLE' || n.kind === 'REINDEX_OBJECT_INDEX';
    }
    case 'VacuumStmt':
      // VACUUM (with or without ANALYZE) is refused; ANALYZE alone (is_vacuumcmd false) is allowed.
      return n.is_vacuumcmd !== true;
    case 'ClusterStmt':
      // `CLUSTER` without a table name reclusters every table, committing per table: refused.
      // `CLUSTER t [USING i]` is allowed.
      return n.relation !== undefined;
    case 'CreatedbStmt':
    case 'DropdbStmt':
    case 'CreateTableSpaceStmt':
    case 'DropTableSpaceStmt':
    case 'AlterSystemStmt':
      return false;
    case 'AlterDatabaseStmt':
      // ALTER DATABASE ... SET TABLESPACE moves files and is refused; other options are allowed.
      return !defElemNames(n.options).some((d) => d.name === 'tablespace');
    case 'DiscardStmt':
      // DISCARD ALL is refused; DISCARD PLANS/SEQUENCES/TEMP are allowed.
      return n.target !== 'DISCARD_ALL';
    case 'AlterTableStmt': {
      // ALTER TABLE ... DETACH PARTITION ... CONCURRENTLY (PG 14+) is refused.
      const cmds = Array.isArray(n.cmds) ? (n.cmds as Node[]) : [];
      return !cmds.some((c) => {
        const cmd = c.AlterTableCmd as Node | undefined;
        const part = (cmd?.def as Node | undefined)?.PartitionCmd as Node | undefined;
        return cmd?.subtype === 'AT_DetachPartition' && part?.concurrent === true;
      });
    }
    case 'CreateSubscriptionStmt':
      // Creating the replication slot (the default) is refused; `connect = false` or `create_slot = false` is allowed.
      return optionIsFalse(n.options, 'connect') || optionIsFalse(n.options, 'create_slot');
    case 'AlterSubscriptionStmt':
      // REFRESH PUBLICATION is refused; SET/ADD/DROP PUBLICATION refresh unless `refresh = false`.
      if (n.kind === 'ALTER_SUBSCRIPTION_REFRESH') return false;
      if (
        n.kind === 'ALTER_SUBSCRIPTION_SET_PUBLICATION' ||
        n.kind === 'ALTER_SUBSCRIPTION_ADD_PUBLICATION' ||
        n.kind === 'ALTER_SUBSCRIPTION_DROP_PUBLICATION'
      ) {
        return optionIsFalse(n.options, 'refresh');
      }
      return true;
    case 'DropSubscriptionStmt':
      // Refused when the subscription has a replication slot, which cannot be known from the text: assume it has.
      return false;
    case 'TransactionStmt':
      // COMMIT PREPARED / ROLLBACK PREPARED are refused inside a block (they finish ANOTHER transaction).
      return n.kind !== 'TRANS_STMT_COMMIT_PREPARED' && n.kind !== 'TRANS_STMT_ROLLBACK_PREPARED';
    default:
      // Includes ALTER TYPE ... ADD VALUE: allowed in a transaction block since PostgreSQL 12 (the new
      // value just cannot be USED before commit). REFRESH MATERIALIZED VIEW CONCURRENTLY is allowed too.
      return true;
  }
}

/**
 * True for statements that open or close the transaction the file runs in: BEGIN, START TRANSACTION,
 * COMMIT/END, ROLLBACK/ABORT and PREPARE TRANSACTION. SAVEPOINT, RELEASE and ROLLBACK TO work inside
 * any transaction (they need one), and COMMIT/ROLLBACK PREPARED act on another transaction, so those
 * are not transaction control: a runner that wraps the file in its own transaction handles them fine.
 */
export function isTransactionControl(ast: Node): boolean {
  if (nodeKind(ast) !== 'TransactionStmt') return false;
  const k = nodeBody(ast).kind;
  return (
    k === 'TRANS_STMT_BEGIN' ||
    k === 'TRANS_STMT_START' ||
    k === 'TRANS_STMT_COMMIT' ||
    k === 'TRANS_STMT_ROLLBACK' ||
    k === 'TRANS_STMT_PREPARE'
  );
}

/**
 * Whether a migration file runs in ONE transaction (db-action apply, and lint tracing it the same way): not when its
 * format or a directive says so (`transaction` none, tx-mode none), nor when a statement cannot run in one; a file not
 * parsed yet counts as transactional.
 */
export function isTransactionalFile(
  transaction: 'auto' | 'none',
  parsed: Pick<ParsedMigration, 'txMode' | 'statements'> | undefined,
): boolean {
  if (transaction === 'none' || parsed?.txMode === 'none') return false;
  return parsed === undefined || parsed.statements.every((s) => s.transactional);
}
