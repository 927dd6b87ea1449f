/**
 * Tracing one statement of a new migration on the dev database, and before its transaction ends reading which
 * relation locks our backend holds, which existing tables got a new relfilenode, and how the catalog changed.
 *
 * A statement of a transactional file runs inside the file's transaction (FileTransaction: the caller BEGINs and
 * COMMITs, as `db-action apply` runs the file); the statement is credited with the locks the transaction did not hold
 * before it. Otherwise (a file that runs statement by statement) it runs in a transaction of its own, committed after
 * the observation, so the next statement sees its effects.
 *
 * Statements PostgreSQL refuses inside a transaction block (CREATE INDEX CONCURRENTLY, VACUUM, …) run
 * on their own: their locks cannot be observed, rewrites and catalog changes still are.
 */
import { statementTargets } from '../sql/targets.js';
import { lockRank } from './lock-modes.js';
import type { Statement } from '../sql/types.js';
import type { ObservedLock } from './types.js';
import type { StatementTrace } from './rule.js';
import {
  CATALOG_SQL,
  diffCatalog,
  INCREMENTAL_CATALOG_SQL,
  rewrittenRelations,
  snapshotFromRows,
  type CatalogRow,
  type CatalogSnapshot,
  type Queryable,
} from './catalog.js';

export interface TraceResult {
  readonly trace: StatementTrace;
  /** The catalog after the statement (equal to `before` when it failed or was skipped). */
  readonly after: CatalogSnapshot;
}

/** Relation locks held (granted) by our own backend; filtered against the "before" relations in JS. */
const LOCKS_SQL = `SELECT l.relation::text AS oid, l.mode FROM pg_locks l
 WHERE l.pid = pg_backend_pid() AND l.locktype = 'relation' AND l.granted AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())`;

/** SQLSTATE 25001: "… cannot run inside a transaction block". */
const ACTIVE_SQL_TRANSACTION = '25001';
/** SQLSTATE 2D000: a DO block or procedure COMMITs/ROLLBACKs itself, which it may only do outside a transaction block. */
const INVALID_TRANSACTION_TERMINATION = '2D000';
/** Errors that mean "run me outside a transaction block": the statement is then traced that way. */
const NEEDS_AUTOCOMMIT = new Set([ACTIVE_SQL_TRANSACTION, INVALID_TRANSACTION_TERMINATION]);

type Result = { rows: unknown[] };

interface PgErrorLike {
  message: string;
  code?: string;
}

function pgError(e: unknown): PgErrorLike {
  if (e && typeof e === 'object' && 'message' in e) {
    const code = (e as { code?: unknown }).code;
    return { message: String((e as { message: unknown }).message), ...(typeof code === 'string' ? { code } : {}) };
  }
  return { message: String(e) };
}

const EMPTY_DIFF = { created: [], dropped: [], changed: [] } as const;

function failed(before: CatalogSnapshot, transactional: boolean, durationMs: number, e: unknown): TraceResult {
  return {
    trace: { locks: [], rewritten: [], diff: EMPTY_DIFF, durationMs, transactional, error: pgError(e) },
    after: before,
  };
}

/** A pg_locks row (oid, mode) as one key. */
function lockPair(row: unknown): string {
  const r = row as { oid: unknown; mode: unknown };
  return `${String(r.oid)}\u0000${String(r.mode)}`;
}

/**
 * Locks on relations that existed before the statement. `heldBefore`: (oid, mode) pairs the file's transaction
 * already held before this statement (they are not this statement's).
 */
function locksOn(before: CatalogSnapshot, rows: readonly unknown[], heldBefore?: ReadonlySet<string>): ObservedLock[] {
  const seen = new Set<string>();
  const locks: ObservedLock[] = [];
  for (const row of rows) {
    if (heldBefore?.has(lockPair(row))) continue;
    const r = row as { oid: unknown; mode: unknown };
    const rel = before.relations.get(String(r.oid));
    if (!rel) continue; // created by this statement, a system catalog, or a temp relation
    const mode = String(r.mode);
    const key = `${rel.name}\u0000${mode}`;
    if (seen.has(key)) continue;
    seen.add(key);
    locks.push({ relation: rel.name, mode });
  }
  return locks.sort((a, b) => a.relation.localeCompare(b.relation) || a.mode.localeCompare(b.mode));
}

async function rollbackQuietly(client: Queryable): Promise<void> {
  try {
    await client.query('ROLLBACK');
  } catch {
    // the connection is gone or no transaction was open; the caller reports the original error
  }
}

/** Runs the statement outside a transaction block (autocommit). */
async function traceOutsideTransaction(
  client: Queryable,
  stmt: Statement,
  before: CatalogSnapshot,
): Promise<TraceResult> {
  const started = performance.now();
  try {
    await client.query(stmt.text);
  } catch (e) {
    return failed(before, false, performance.now() - started, e);
  }
  const durationMs = performance.now() - started;
  const after = snapshotFromRows(((await client.query(CATALOG_SQL)) as Result).rows as CatalogRow[]);
  return {
    trace: {
      locks: [],
      rewritten: rewrittenRelations(before, after),
      diff: diffCatalog(before, after),
      durationMs,
      transactional: false,
    },
    after,
  };
}

/**
 * Executes one statement on the dev database and reports what it really did. `before` is the catalog
 * as it was before the statement (the previous call's `after`, or a fresh `snapshotCatalog`).
 * The client must not be inside a transaction. On failure the transaction is rolled back and
 * `trace.error` carries PostgreSQL's message and SQLSTATE.
 * Transaction-control statements written in the file (BEGIN/COMMIT) are not executed: the tracer
 * manages transactions itself.
 */
export async function traceStatement(
  client: Queryable,
  stmt: Statement,
  before: CatalogSnapshot,
  fileTransaction?: FileTransaction,
): Promise<TraceResult> {
  if (stmt.transactionControl) {
    return { trace: { locks: [], rewritten: [], diff: EMPTY_DIFF, durationMs: 0, transactional: true }, after: before };
  }
  if (fileTransaction) return traceInFileTransaction(client, stmt, before, fileTransaction);
  if (!stmt.transactional) return traceOutsideTransaction(client, stmt, before);

  const started = performance.now();
  try {
    // One round trip: BEGIN and the statement (an error can only come from the statement).
    await client.query(`BEGIN;\n${stmt.text}`);
  } catch (e) {
    const durationMs = performance.now() - started;
    await rollbackQuietly(client);
    const code = pgError(e).code;
    if (code !== undefined && NEEDS_AUTOCOMMIT.has(code)) return traceOutsideTransaction(client, stmt, before);
    return failed(before, true, durationMs, e);
  }
  const durationMs = performance.now() - started;
  let results: Result[];
  try {
    // One round trip: locks and catalog read before COMMIT; COMMIT can fail (deferred constraints).
    results = (await client.query(`${LOCKS_SQL};\n${INCREMENTAL_CATALOG_SQL};\nCOMMIT`)) as Result[];
  } catch (e) {
    await rollbackQuietly(client);
    return failed(before, true, durationMs, e);
  }
  const lockRows = results[0]?.rows ?? [];
  const after = snapshotFromRows((results[1]?.rows ?? []) as CatalogRow[], before);
  return {
    trace: {
      locks: locksOn(before, lockRows),
      rewritten: rewrittenRelations(before, after),
      diff: diffCatalog(before, after),
      durationMs,
      transactional: true,
    },
    after,
  };
}

/**
 * The transaction a whole file runs in, as `db-action apply` runs a transactional file: the caller BEGINs it, traces
 * each statement inside it (no COMMIT in between, so what only fails in one transaction fails here too), and COMMITs
 * (or rolls back) at the end. `held` accumulates the locks the transaction holds, so each statement is credited only
 * with the locks it took itself (those taken earlier stay held until COMMIT either way).
 */
export interface FileTransaction {
  readonly held: Set<string>;
  /**
   * The file set statement_timeout or lock_timeout (SET LOCAL …) earlier: the tracer's own catalog reads then run
   * with both at 0 and the file's values are put back after them, so a short timeout meant for the migration's
   * statements cannot cancel the observation.
   */
  guardTimeouts?: boolean;
}

const quote = (v: string): string => `'${v.replace(/'/g, "''")}'`;

/** Runs the statement inside the open file transaction; on failure the caller must ROLLBACK. */
async function traceInFileTransaction(
  client: Queryable,
  stmt: Statement,
  before: CatalogSnapshot,
  tx: FileTransaction,
): Promise<TraceResult> {
  const started = performance.now();
  try {
    await client.query(stmt.text);
  } catch (e) {
    return failed(before, true, performance.now() - started, e);
  }
  const durationMs = performance.now() - started;
  let restore: string | undefined;
  if (tx.guardTimeouts) {
    const saved = (await client.query(
      "SELECT current_setting('statement_timeout') AS st, current_setting('lock_timeout') AS lt;\nSET LOCAL statement_timeout = 0;\nSET LOCAL lock_timeout = 0",
    )) as Result[];
    const row = saved[0]?.rows[0] as { st: string; lt: string } | undefined;
    if (row) restore = `SET LOCAL statement_timeout = ${quote(row.st)};\nSET LOCAL lock_timeout = ${quote(row.lt)}`;
  }
  const results = (await client.query(`${LOCKS_SQL};\n${INCREMENTAL_CATALOG_SQL}`)) as Result[];
  if (restore) await client.query(restore);
  const after = snapshotFromRows((results[1]?.rows ?? []) as CatalogRow[], before);
  const lockRows = results[0]?.rows ?? [];
  const heldBefore = new Set(tx.held);
  for (const row of lockRows) tx.held.add(lockPair(row));
  const locks = locksOn(before, lockRows, heldBefore);
  return {
    trace: {
      locks,
      heldLocks: heldOnTargets(stmt, before, lockRows, heldBefore, locks),
      rewritten: rewrittenRelations(before, after),
      diff: diffCatalog(before, after),
      durationMs,
      transactional: true,
    },
    after,
  };
}

/** Locks the file's transaction held before the statement on the relations the statement names (marked `earlier`). */
function heldOnTargets(
  stmt: Statement,
  before: CatalogSnapshot,
  rows: readonly unknown[],
  heldBefore: ReadonlySet<string>,
  own: readonly ObservedLock[],
): ObservedLock[] {
  const targets = new Set(
    statementTargets(stmt).flatMap((t) => {
      const n = t.replace(/"/g, '');
      return n.includes('.') ? [n] : [n, `public.${n}`];
    }),
  );
  if (targets.size === 0) return [];
  // Per relation the strongest mode held from before, if it is stronger than what the statement took itself.
  const strongest = new Map<string, string>();
  for (const row of rows) {
    if (!heldBefore.has(lockPair(row))) continue;
    const r = row as { oid: unknown; mode: unknown };
    const rel = before.relations.get(String(r.oid));
    if (!rel || !targets.has(rel.name)) continue;
    const had = strongest.get(rel.name);
    if (had === undefined || lockRank(String(r.mode)) > lockRank(had)) strongest.set(rel.name, String(r.mode));
  }
  const out: ObservedLock[] = [];
  for (const [relation, mode] of strongest) {
    const ownBest = Math.max(-1, ...own.filter((l) => l.relation === relation).map((l) => lockRank(l.mode)));
    if (lockRank(mode) > ownBest) out.push({ relation, mode, earlier: true });
  }
  return out.sort((a, b) => a.relation.localeCompare(b.relation));
}
