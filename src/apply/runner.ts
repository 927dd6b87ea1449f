/**
 * Running one migration file.
 *
 * Transactional files run in ONE transaction with their history row, as a single multi-statement
 * query (one round trip, several files per query in a batch). A failure is located without running
 * anything again: by the error's position when PostgreSQL gives one, else by counting the statements
 * that completed before it (the server reports each one). Statements written as BEGIN/COMMIT in the
 * file are skipped so they cannot commit our transaction early.
 *
 * Non-transactional files run one statement per query in autocommit, recording progress after each
 * statement so that a rerun resumes where the last run stopped.
 *
 * Lock timeouts (55P03) are retried with exponential backoff: the whole file for a transactional one,
 * the failing statement for a non-transactional one. Nothing else is ever run twice.
 */
import { createHash } from 'node:crypto';

import { DbActionError } from '../errors.js';
import type { Logger } from '../logger.js';
import { isTransactionalFile } from '../sql/transaction.js';
import type { ParsedMigration, Statement } from '../sql/types.js';
import { abortError, sleep } from './abort.js';
import { historyKey, type HistoryEntry, type HistoryTable } from './history.js';
import { concurrentIndexTarget, indexStates, invalidIndexes, invalidIndexHint } from './invalid-index.js';
import { isConnectionLost, isLockTimeout, migrationError, pgError } from './pg-errors.js';
import type { PlannedMigration } from './plan.js';
import type { ApplySession, CountedQuery } from './session.js';

export interface RunnerContext {
  readonly session: ApplySession;
  readonly history: HistoryTable;
  readonly logger: Logger;
  /** `applied_by` detail (actor@host). */
  readonly appliedBy: string;
  readonly lockTimeoutMs: number;
  readonly statementTimeoutMs: number;
  readonly lockRetries: number;
  readonly lockRetryDelayMs: number;
  readonly redact: (text: string) => string;
}

export interface ExecutableMigration {
  readonly planned: PlannedMigration;
  /** Statements: parsed up front when the file may need them (see screen.ts), else on first failure. */
  parsed: ParsedMigration | undefined;
  /** Whether the file runs in one transaction (provisional until a file that `needsParse` is parsed). */
  transactional: boolean;
  /** The file may hold non-transactional statements or its own BEGIN/COMMIT: parse before running it. */
  readonly needsParse: boolean;
  /** Parses the file (cached). Throws DbActionError on a syntax error. */
  readonly parse: () => Promise<ParsedMigration>;
}

export interface RunOutcome {
  readonly durationMs: number;
  readonly retries: number;
  readonly resumedFrom?: number;
}

/** Parses a file that needs it before it runs, settling whether it is transactional. Throws DbActionError on a syntax error. */
export async function ensureParsed(exe: ExecutableMigration): Promise<void> {
  if (!exe.needsParse || exe.parsed !== undefined) return;
  exe.parsed = await exe.parse();
  exe.transactional = isTransactionalFile(exe.planned.migration.transaction, exe.parsed);
}

/** Statements of a file (parsing it when not done yet). */
async function statementsOf(exe: ExecutableMigration): Promise<readonly Statement[]> {
  exe.parsed ??= await exe.parse();
  return exe.parsed.statements;
}

function normalise(text: string): string {
  return text.replace(/\r\n?/g, '\n');
}

/** SHA-256 of the first `count` statements (LF-normalised): proves a resumed file did not change what already ran. */
export function prefixChecksum(statements: readonly Statement[], count: number): string {
  const h = createHash('sha256');
  for (const s of statements.slice(0, count)) h.update(normalise(s.text)).update('\n;\n');
  return h.digest('hex');
}

function entryOf(p: PlannedMigration): HistoryEntry {
  const m = p.migration;
  return { version: m.version, name: m.name, repeatable: m.repeatable, file: m.relPath, checksum: m.checksum };
}

function ms(n: number): string {
  return `'${Math.max(0, Math.round(n))}ms'`;
}

type Timeouts = Pick<RunnerContext, 'lockTimeoutMs' | 'statementTimeoutMs'>;

/** SET (LOCAL) lock_timeout and statement_timeout, one statement each (no `;`). */
function timeoutStatements(ctx: Timeouts, local: boolean): string[] {
  const set = local ? 'SET LOCAL' : 'SET';
  const out = [
    `${set} lock_timeout = ${ms(ctx.lockTimeoutMs)}`,
    `${set} statement_timeout = ${ms(ctx.statementTimeoutMs)}`,
  ];
  // In a transaction, also note when it started: now() is the start of the whole query message, shared
  // by every file of a batch; the history row's execution_ms is measured from this instead.
  if (local) out.push(`SELECT set_config('db_action.started', clock_timestamp()::text, true)`);
  return out;
}

/** Statements as one multi-statement query text. */
function script(statements: readonly string[]): string {
  return statements.map((st) => `${st};\n`).join('');
}

/** SET (LOCAL) lock_timeout and statement_timeout. */
export function timeoutSql(ctx: Timeouts, local: boolean): string {
  return script(timeoutStatements(ctx, local));
}

/** A failure located at a statement (or not). */
export class StatementFailure extends Error {
  readonly original: unknown;
  readonly statement: Statement | undefined;
  /** Where in the file, when known without a statement offset (raw-text runs). */
  readonly at: { line: number; column?: number } | undefined;
  /** A better error to report instead (the file does not parse). */
  readonly replacement: DbActionError | undefined;
  constructor(
    original: unknown,
    statement: Statement | undefined,
    at?: { line: number; column?: number },
    replacement?: DbActionError,
  ) {
    super(pgError(original).message ?? 'failed');
    this.original = original;
    this.statement = statement;
    this.at = at;
    this.replacement = replacement;
  }
}

/** The statement a 1-based character position of a multi-statement query falls in, and the position inside it. */
function locate(
  parts: readonly { offset: number; statement: Statement }[],
  sql: string,
  position: number,
): { statement: Statement; position: number } | undefined {
  // PostgreSQL counts characters (code points); JS offsets count UTF-16 units.
  const unitOffset = [...sql].slice(0, position - 1).join('').length;
  let found: { offset: number; statement: Statement } | undefined;
  for (const p of parts) if (p.offset <= unitOffset) found = p;
  if (!found || unitOffset > found.offset + found.statement.text.length) return undefined;
  const within = [...sql.slice(found.offset, unitOffset)].length + 1;
  return { statement: found.statement, position: within };
}

/**
 * A failure of a raw-text run: the error position (characters into `prefix + upSql`) becomes a file
 * line and column; the file is parsed now to name the statement (a file that does not parse reports
 * the parser's error instead).
 */
async function rawFailure(exe: ExecutableMigration, e: unknown, prefix: string): Promise<StatementFailure> {
  let parsed: ParsedMigration | undefined;
  try {
    parsed = exe.parsed ?? (await exe.parse());
    exe.parsed = parsed;
  } catch (parseError) {
    if (parseError instanceof DbActionError) return new StatementFailure(e, undefined, undefined, parseError);
  }
  const pos = Number(pgError(e).position);
  if (!Number.isInteger(pos) || pos <= 0) return new StatementFailure(e, undefined);
  const offset = pos - 1 - [...prefix].length;
  const chars = [...exe.planned.migration.upSql];
  if (offset < 0 || offset > chars.length) return new StatementFailure(e, undefined);
  const lines = chars.slice(0, offset).join('').split('\n');
  const line = exe.planned.migration.upStartLine + lines.length - 1;
  const column = [...(lines[lines.length - 1] ?? '')].length + 1;
  const statement = parsed?.statements.find((st) => st.startLine <= line && line <= st.endLine);
  return new StatementFailure(e, statement, { line, column });
}

/** Sets (or clears) the `position` of a pg error, so it reads relative to the statement it is reported at. */
function setPosition(e: unknown, position: number | undefined): void {
  if (typeof e === 'object' && e !== null)
    Object.assign(e, { position: position === undefined ? undefined : String(position) });
}

/** Where a file's SQL sits in a multi-statement query, to map an error back to its statement. */
interface SentFile {
  readonly exe: ExecutableMigration;
  /** UTF-16 offset of the file's SQL in the query. */
  readonly offset: number;
  /** Statements sent before the file's own, from where its part of the query starts (BEGIN, SETs). */
  readonly before: number;
  /** The statements sent with their offsets in the query; undefined when the file went as its raw text. */
  readonly parts: readonly { readonly offset: number; readonly statement: Statement }[] | undefined;
}

/**
 * Appends `prelude` and the file's SQL to `sql`: its statements without BEGIN/COMMIT of its own when
 * it was parsed, else its raw text.
 */
function appendFile(
  sql: string,
  exe: ExecutableMigration,
  prelude: readonly string[],
): { readonly sql: string; readonly sent: SentFile } {
  let out = sql + script(prelude);
  const offset = out.length;
  const before = prelude.length;
  if (exe.parsed === undefined)
    return { sql: `${out}${exe.planned.migration.upSql}\n;\n`, sent: { exe, offset, before, parts: undefined } };
  const parts: { offset: number; statement: Statement }[] = [];
  for (const st of exe.parsed.statements) {
    if (st.transactionControl) continue;
    parts.push({ offset: out.length, statement: st });
    out += `${st.text}\n;\n`;
  }
  return { sql: out, sent: { exe, offset, before, parts } };
}

/** Appends `BEGIN; SET LOCAL …; <file>; <record>; COMMIT;` to `sql`. */
function appendTransaction(
  sql: string,
  ctx: RunnerContext,
  exe: ExecutableMigration,
  record: string,
): { readonly sql: string; readonly sent: SentFile } {
  const body = appendFile(sql, exe, ['BEGIN', ...timeoutStatements(ctx, true)]);
  return { sql: `${body.sql}${record};\nCOMMIT;\n`, sent: body.sent };
}

/** The `index`-th statement sent as the failing one; none when the error came before or after them (history row, COMMIT). */
function byCount(
  e: unknown,
  statements: readonly Statement[] | undefined,
  index: number | undefined,
): StatementFailure {
  const statement = index === undefined || index < 0 ? undefined : statements?.[index];
  // a position somewhere else in the query (our history row) says nothing about the statement
  if (statement) setPosition(e, undefined);
  return new StatementFailure(e, statement);
}

/**
 * The failure of a file in a multi-statement query, located without running anything again: at the
 * error's position when PostgreSQL gives one, else at the statement after the `completed` ones
 * (statements of the query that completed, counted from where the file's part starts).
 */
async function locateFailure(
  sent: SentFile,
  sql: string,
  e: unknown,
  completed: number | undefined,
): Promise<StatementFailure> {
  const index = completed === undefined ? undefined : completed - sent.before;
  if (sent.parts === undefined) {
    const raw = await rawFailure(sent.exe, e, sql.slice(0, sent.offset));
    if (raw.replacement || raw.statement || raw.at) return raw;
    return byCount(e, sent.exe.parsed?.statements, index);
  }
  const pos = Number(pgError(e).position);
  const at = Number.isInteger(pos) && pos > 0 ? locate(sent.parts, sql, pos) : undefined;
  if (at) {
    setPosition(e, at.position);
    return new StatementFailure(e, at.statement);
  }
  return byCount(
    e,
    sent.parts.map((x) => x.statement),
    index,
  );
}

function lastCommand(result: unknown): string | undefined {
  const last = (Array.isArray(result) ? result[result.length - 1] : result) as { command?: string } | undefined;
  return last?.command;
}

async function rollbackQuietly(ctx: RunnerContext): Promise<void> {
  if (ctx.session.lost) return;
  await ctx.session.client.query('ROLLBACK').catch(() => undefined);
}

/**
 * One try of a transactional file: the file and its history row in one transaction, one query.
 * Returns its failure (located, rolled back), or undefined when it committed.
 */
async function attemptTransaction(ctx: RunnerContext, exe: ExecutableMigration): Promise<StatementFailure | undefined> {
  const record = ctx.history.upsertSql(entryOf(exe.planned), 'applied', ctx.appliedBy);
  const { sql, sent } = appendTransaction('', ctx, exe, record);
  const q = await ctx.session.queryCounted(sql);
  if (q.error === undefined) {
    // The file's text cannot have swallowed our COMMIT (the server parses the whole string first), but check.
    if (lastCommand(q.result) === 'COMMIT') return undefined;
    await rollbackQuietly(ctx);
    return new StatementFailure(new Error("internal: the migration's transaction did not end with COMMIT"), undefined);
  }
  await rollbackQuietly(ctx);
  return locateFailure(sent, sql, q.error, q.completed.length);
}

export async function recordFailureQuietly(
  ctx: RunnerContext,
  exe: ExecutableMigration,
  error: DbActionError,
  details: { failedStatement: number | null; statementsDone: number; doneChecksum: string | null; executionMs: number },
): Promise<void> {
  if (ctx.session.lost) return;
  await ctx.session.settle();
  try {
    await ctx.history.recordFailure(ctx.session.client, entryOf(exe.planned), {
      appliedBy: ctx.appliedBy,
      error: ctx.redact(error.format()),
      ...details,
    });
  } catch (e) {
    ctx.logger.warn(
      `could not record the failure of ${exe.planned.file} in ${ctx.history}: ${ctx.redact(pgError(e).message ?? String(e))}`,
    );
  }
}

/** Records `err` as the failure of a transactional file (nothing of it stayed applied) and returns it. */
async function recorded(
  ctx: RunnerContext,
  exe: ExecutableMigration,
  err: DbActionError,
  statement: Statement | undefined,
  started: number,
): Promise<DbActionError> {
  await recordFailureQuietly(ctx, exe, err, {
    failedStatement: statement?.index ?? null,
    statementsDone: 0,
    doneChecksum: null,
    executionMs: Date.now() - started,
  });
  return err;
}

function skippedControlLog(ctx: RunnerContext, exe: ExecutableMigration): void {
  const control = exe.parsed?.statements.filter((s) => s.transactionControl) ?? [];
  if (control.length > 0) {
    ctx.logger.info(
      `${exe.planned.file}: skipping ${control.length} transaction control statement(s) written in the file (line${control.length > 1 ? 's' : ''} ${control
        .map((s) => s.startLine)
        .join(', ')}); db-action runs the file in its own transaction`,
    );
  }
}

function refusePartlyApplied(ctx: RunnerContext, exe: ExecutableMigration): void {
  const done = exe.planned.previous?.statementsDone ?? 0;
  if (done === 0) return;
  throw new DbActionError(
    `${exe.planned.file} was partly applied statement by statement (${done} done) but now runs in one transaction`,
    {
      file: exe.planned.file,
      hint: `restore the file as it was when it failed so apply can resume it, or finish it by hand and record it in the history table ${ctx.history.qualified}`,
    },
  );
}

/** Whether a failed try is a lock timeout worth another try. */
function retriesLockTimeout(ctx: RunnerContext, failure: StatementFailure, tries: number): boolean {
  if (ctx.session.aborted || ctx.session.lost || failure.replacement) return false;
  return isLockTimeout(failure.original) && tries < ctx.lockRetries;
}

/** The error a transactional file's last failed try ends with, recorded in the history (unless the connection is gone). */
async function failedTransaction(
  ctx: RunnerContext,
  exe: ExecutableMigration,
  failure: StatementFailure,
  tries: number,
  started: number,
): Promise<DbActionError> {
  const { file } = exe.planned;
  const statement = failure.statement;
  if (ctx.session.aborted) {
    const line = failure.at?.line ?? statement?.startLine;
    return recorded(ctx, exe, abortError(`while running ${file}`, { file, line }), statement, started);
  }
  const errCtx = { file, statement, at: failure.at, transactional: true, redact: ctx.redact, tries };
  if (ctx.session.lost || isConnectionLost(failure.original)) return migrationError(failure.original, errCtx);
  if (failure.replacement) return recorded(ctx, exe, failure.replacement, undefined, started);
  return recorded(ctx, exe, migrationError(failure.original, errCtx), statement, started);
}

/** The first try of a file that a batch already ran: its located failure, and how long it took. */
export interface BatchAttempt {
  readonly failure: StatementFailure;
  readonly elapsedMs: number;
}

/**
 * Runs a transactional file in one transaction with its history row. A lock timeout is retried with
 * exponential backoff, `lockRetries` tries in all; any other failure is final (it is located without
 * a rerun) and recorded. `batchTry`: the file already failed once in a batch; that counts as its first
 * try.
 */
export async function runTransactional(
  ctx: RunnerContext,
  exe: ExecutableMigration,
  batchTry?: BatchAttempt,
): Promise<RunOutcome> {
  const started = Date.now() - (batchTry?.elapsedMs ?? 0);
  const { file } = exe.planned;
  skippedControlLog(ctx, exe);
  refusePartlyApplied(ctx, exe);
  if (!batchTry && ctx.session.aborted) throw abortError(`before ${file}`, { file }, undefined, 'nothing-ran');
  let tries = batchTry ? 1 : 0;
  let failure = batchTry?.failure;
  let delay = ctx.lockRetryDelayMs;
  for (;;) {
    if (failure === undefined) {
      tries++;
      failure = await attemptTransaction(ctx, exe);
      if (failure === undefined) return { durationMs: Date.now() - started, retries: tries - 1 };
    }
    if (!retriesLockTimeout(ctx, failure, tries)) throw await failedTransaction(ctx, exe, failure, tries, started);
    ctx.logger.warn(`${file}: lock timeout (try ${tries} of ${ctx.lockRetries}); retrying in ${delay}ms`);
    await sleep(delay, ctx.session.signal);
    delay *= 2;
    if (ctx.session.aborted) {
      const when = `while waiting to retry ${file} after a lock timeout (try ${tries} of ${ctx.lockRetries})`;
      const line = failure.at?.line ?? failure.statement?.startLine;
      throw await recorded(
        ctx,
        exe,
        abortError(when, { file, line }, undefined, 'between-tries'),
        failure.statement,
        started,
      );
    }
    failure = undefined;
  }
}

/** Runs a non-transactional file statement by statement in autocommit, resuming a previous attempt. */
export async function runNonTransactional(ctx: RunnerContext, exe: ExecutableMigration): Promise<RunOutcome> {
  const started = Date.now();
  const { planned } = exe;
  const statements = await statementsOf(exe);
  const entry = entryOf(planned);
  const client = ctx.session.client;
  let start = 0;
  const prev = planned.previous;
  if (prev && (prev.status === 'failed' || prev.status === 'running') && prev.statementsDone > 0) {
    start = prev.statementsDone;
    if (start > statements.length || prev.doneChecksum !== prefixChecksum(statements, start)) {
      throw new DbActionError(
        `${planned.file} was partly applied (${start} statement${start > 1 ? 's' : ''} done) and those statements changed since`,
        {
          file: planned.file,
          line: statements[Math.min(start, statements.length) - 1]?.startLine,
          hint: `keep the first ${start} statement(s) as they were so apply can resume after them, or finish the migration by hand and record it in the history table ${ctx.history.qualified}`,
        },
      );
    }
    ctx.logger.info(
      `${planned.file}: resuming at statement ${start + 1} of ${statements.length} (${start} done by a previous run)`,
    );
  }
  skippedControlLog(ctx, exe);
  let done = start;
  let retries = 0;
  let reset = false;
  try {
    // one round trip: session timeouts + the `running` row
    reset = true;
    await ctx.session.query(
      `${timeoutSql(ctx, false)}${ctx.history.markRunningSql(entry, ctx.appliedBy, done, prefixChecksum(statements, done))}`,
    );
    for (let i = start; i < statements.length; i++) {
      const s = statements[i]!;
      if (!s.transactionControl) {
        // only a retry can meet an index its previous attempt built (or left INVALID)
        const skip = prev !== undefined && i === start && (await alreadyBuilt(ctx, exe, s));
        if (!skip) retries += await runStatement(ctx, exe, s, started);
      }
      done = i + 1;
      if (done < statements.length)
        await ctx.history.markProgress(client, entry, done, prefixChecksum(statements, done));
    }
    await ctx.session.query(
      `${ctx.history.markAppliedSql(entry, Date.now() - started, done, prefixChecksum(statements, done))};\nRESET lock_timeout;\nRESET statement_timeout`,
    );
    reset = false;
  } catch (e) {
    if (e instanceof DbActionError) throw e;
    // a history write failed
    throw migrationError(e, { file: planned.file, statement: undefined, transactional: false, redact: ctx.redact });
  } finally {
    if (reset && !ctx.session.lost)
      await client.query('RESET lock_timeout; RESET statement_timeout').catch(() => undefined);
  }
  return { durationMs: Date.now() - started, retries, resumedFrom: start > 0 ? start : undefined };
}

/**
 * Before a CREATE INDEX CONCURRENTLY: an INVALID index of that name stops the run (with the cleanup
 * hint); a VALID one at the resume point means the previous run built it but died before recording it.
 */
async function alreadyBuilt(ctx: RunnerContext, exe: ExecutableMigration, s: Statement): Promise<boolean> {
  const target = concurrentIndexTarget(s);
  if (!target?.index) return false;
  const states = await indexStates(ctx.session.client, target);
  const invalid = states.filter((x) => !x.valid);
  if (invalid.length > 0) {
    const err = new DbActionError(
      `statement ${s.index + 1} cannot run: a previous CREATE INDEX CONCURRENTLY left index "${target.index}" INVALID`,
      {
        file: exe.planned.file,
        line: s.startLine,
        hint: invalidIndexHint(invalid),
      },
    );
    await recordFailureQuietly(ctx, exe, err, {
      failedStatement: s.index,
      statementsDone: s.index,
      doneChecksum: prefixChecksum(await statementsOf(exe), s.index),
      executionMs: 0,
    });
    throw err;
  }
  if (states.length > 0) {
    ctx.logger.info(
      `${exe.planned.file}:${s.startLine}: index "${target.index}" is already built and valid (the previous run ended before recording it); continuing after it`,
    );
    return true;
  }
  return false;
}

/** One statement of a non-transactional file, with lock-timeout retries. Returns the retries used. */
async function runStatement(
  ctx: RunnerContext,
  exe: ExecutableMigration,
  s: Statement,
  started: number,
): Promise<number> {
  let delay = ctx.lockRetryDelayMs;
  for (let tries = 1; ; tries++) {
    // after a lock timeout's backoff, the cancel came while waiting for this try
    if (ctx.session.aborted) throw await failStatement(ctx, exe, s, new Error('cancelled'), started, tries, tries > 1);
    try {
      await ctx.session.query(s.text);
      return tries - 1;
    } catch (e) {
      if (!ctx.session.aborted && !ctx.session.lost && isLockTimeout(e) && tries < ctx.lockRetries) {
        const target = concurrentIndexTarget(s);
        const left = target ? await invalidIndexes(ctx.session.client, target) : [];
        if (left.length === 0) {
          ctx.logger.warn(
            `${exe.planned.file}:${s.startLine}: lock timeout (try ${tries} of ${ctx.lockRetries}); retrying in ${delay}ms`,
          );
          await sleep(delay, ctx.session.signal);
          delay *= 2;
          continue;
        }
      }
      throw await failStatement(ctx, exe, s, e, started, tries);
    }
  }
}

async function failStatement(
  ctx: RunnerContext,
  exe: ExecutableMigration,
  s: Statement,
  e: unknown,
  started: number,
  tries: number,
  /** Cancelled while waiting to retry after a lock timeout (not while the statement ran). */
  waiting = false,
): Promise<DbActionError> {
  const located = { file: exe.planned.file, line: s.startLine };
  let extraHint: string | undefined;
  const target = concurrentIndexTarget(s);
  if (target && !ctx.session.lost) {
    await ctx.session.settle();
    const left = await invalidIndexes(ctx.session.client, target).catch(() => []);
    if (left.length > 0) extraHint = invalidIndexHint(left);
  }
  const prev = exe.planned.previous;
  if (!extraHint && prev?.status === 'running' && prev.statementsDone === s.index) {
    // the previous run died while running this very statement: it may have completed then
    extraHint =
      `the previous run died while running this statement; if it did complete then, record it as done: ` +
      `UPDATE ${ctx.history.qualified} SET statements_done = ${s.index + 1} WHERE key = '${historyKey(exe.planned.migration).replace(/'/g, "''")}'; and rerun`;
  }
  const retry = `while waiting to retry ${exe.planned.file} after a lock timeout (try ${tries - 1} of ${ctx.lockRetries})`;
  const finalErr = ctx.session.aborted
    ? waiting
      ? abortError(retry, located, extraHint, 'between-tries')
      : abortError(`while running ${exe.planned.file}`, located, extraHint)
    : migrationError(e, {
        file: exe.planned.file,
        statement: s,
        transactional: false,
        redact: ctx.redact,
        tries,
        extraHint,
      });
  await recordFailureQuietly(ctx, exe, finalErr, {
    failedStatement: s.index,
    statementsDone: s.index,
    doneChecksum: prefixChecksum(await statementsOf(exe), s.index),
    executionMs: Date.now() - started,
  });
  return finalErr;
}

export interface VerifyOutcome {
  readonly exe: ExecutableMigration;
  readonly status: 'verified' | 'skipped' | 'failed';
  readonly durationMs?: number;
  readonly error?: DbActionError;
}

/**
 * Verify: every transactional file, in order, inside ONE transaction that is rolled back at the end
 * (so later files see what earlier ones created). Non-transactional files are skipped. Stops at the
 * first failure, located at its statement; nothing runs twice and the timeouts hold on every statement.
 */
export async function runVerify(ctx: RunnerContext, exes: readonly ExecutableMigration[]): Promise<VerifyOutcome[]> {
  const out: VerifyOutcome[] = [];
  await ctx.session.query('BEGIN');
  try {
    for (const exe of exes) {
      if (!exe.transactional) {
        ctx.logger.info(`verify: skipping ${exe.planned.file} (it cannot run in a transaction)`);
        out.push({ exe, status: 'skipped' });
        continue;
      }
      const { file } = exe.planned;
      if (ctx.session.aborted) throw abortError(`before ${file}`, { file }, undefined, 'verify');
      const started = Date.now();
      const error = await verifyFile(ctx, exe);
      out.push({ exe, status: error ? 'failed' : 'verified', durationMs: Date.now() - started, error });
      if (error) return out;
    }
    return out;
  } finally {
    await rollbackQuietly(ctx);
  }
}

/**
 * One file of verify: `SET LOCAL` timeouts, then its statements, in one query (the SETs last until the
 * verify transaction ends: a failure aborts it, so nothing runs after). Returns its located error.
 */
async function verifyFile(ctx: RunnerContext, exe: ExecutableMigration): Promise<DbActionError | undefined> {
  await statementsOf(exe);
  const { sql, sent } = appendFile('', exe, timeoutStatements(ctx, true));
  const q = await ctx.session.queryCounted(sql);
  if (q.error === undefined) return undefined;
  const failure = await locateFailure(sent, sql, q.error, q.completed.length);
  const { file } = exe.planned;
  if (ctx.session.aborted) {
    const line = failure.at?.line ?? failure.statement?.startLine;
    return abortError(`while verifying ${file}`, { file, line }, undefined, 'verify');
  }
  return (
    failure.replacement ??
    migrationError(failure.original, {
      file,
      statement: failure.statement,
      at: failure.at,
      transactional: true,
      redact: ctx.redact,
    })
  );
}

/**
 * Whether a file can ride in a batch: transactional and not a retry. A parsed file goes as its
 * statements (each complete, BEGIN/COMMIT of its own left out); a raw one as its text, only when it
 * is free of constructs that could run on past its end into the next file if the file were broken:
 * an odd number of quotes, unbalanced block comments or dollar-quote tags. Anything else runs alone.
 */
export function batchable(exe: ExecutableMigration): boolean {
  if (!exe.transactional || exe.planned.action === 'retry') return false;
  if (exe.parsed !== undefined) return true;
  const sql = exe.planned.migration.upSql;
  const count = (needle: string): number => sql.split(needle).length - 1;
  if (count("'") % 2 !== 0 || count('"') % 2 !== 0 || count('/*') !== count('*/')) return false;
  if (sql.includes('$')) {
    const tags = new Map<string, number>();
    for (const m of sql.matchAll(/\$(?:[A-Za-z_][A-Za-z0-9_]*)?\$/g)) tags.set(m[0], (tags.get(m[0]) ?? 0) + 1);
    for (const n of tags.values()) if (n % 2 !== 0) return false;
  }
  return true;
}

export interface BatchOutcome {
  /** Files of the batch that committed, in order, with their execution time. */
  readonly committed: readonly { readonly exe: ExecutableMigration; readonly durationMs: number }[];
  /** The error that stopped the batch (the file after the committed ones failed or did not run). */
  readonly error?: unknown;
  /** The failure of the file after the committed ones, located in the batch: its first try. */
  readonly stopped?: BatchAttempt;
  /**
   * The server refused the batch's text before running any of it (a syntax error): the index of the
   * file the error is in (0 when unknown). None of the files ran.
   */
  readonly rejected?: number;
}

/** Index of the file of a multi-statement query that a 1-based character `position` falls in. */
function fileAt(sent: readonly SentFile[], sql: string, position: number): number {
  const unitOffset = [...sql].slice(0, position - 1).join('').length;
  let found = 0;
  sent.forEach((f, i) => {
    if (f.offset <= unitOffset) found = i;
  });
  return found;
}

/** The history rows the batch's INSERT … RETURNING reported, one per file in order; undefined when they do not add up. */
function batchMarkers(exes: readonly ExecutableMigration[], result: unknown): { db_action_ms?: number }[] | undefined {
  const markers = (
    Array.isArray(result)
      ? (result as { command?: string; rows?: { db_action_key?: string; db_action_ms?: number }[] }[])
      : []
  )
    .filter((r) => r.command === 'INSERT' && r.rows?.[0]?.db_action_key !== undefined)
    .map((r) => r.rows![0]!);
  const keys = exes.map((e) => historyKey(e.planned.migration));
  if (markers.length !== exes.length || markers.some((m, i) => m.db_action_key !== keys[i])) return undefined;
  return markers;
}

/** Which files of a failed batch committed, read back from the history table (on a new connection if ours died). */
async function committedOf(
  ctx: RunnerContext,
  exes: readonly ExecutableMigration[],
  e: unknown,
): Promise<{ exe: ExecutableMigration; durationMs: number }[]> {
  const keys = exes.map((x) => historyKey(x.planned.migration));
  let rows: Awaited<ReturnType<HistoryTable['statusOf']>>;
  if (ctx.session.lost || isConnectionLost(e)) {
    // our session is gone (its transaction rolled back): what committed before is read on a new connection
    rows = await ctx.session.withFreshClient((c) => ctx.history.statusOf(c, keys)).catch(() => new Map());
  } else {
    await ctx.session.settle();
    rows = await ctx.history.statusOf(ctx.session.client, keys);
  }
  const committed: { exe: ExecutableMigration; durationMs: number }[] = [];
  for (const exe of exes) {
    const row = rows.get(historyKey(exe.planned.migration));
    if (!row || row.status !== 'applied' || row.checksum !== exe.planned.migration.checksum) break;
    committed.push({ exe, durationMs: row.executionMs ?? 0 });
  }
  return committed;
}

/**
 * Statements of the file after the `committed` ones that completed, counted from its BEGIN: the tags
 * after the batch's `committed`-th COMMIT (a batch holds no COMMIT but ours: BEGIN/COMMIT written in a
 * file are left out, and a raw-text file has none). Undefined when the tags do not add up.
 */
function completedInStoppedFile(completed: readonly string[], committed: number): number | undefined {
  let commits = 0;
  let start = 0;
  completed.forEach((tag, i) => {
    if (tag !== 'COMMIT') return;
    commits++;
    start = i + 1;
  });
  return commits === committed ? completed.length - start : undefined;
}

/**
 * When not even the batch's first BEGIN ran although the session is fine, the server refused the whole
 * text (it parses all of it before running any): the index of the file holding the syntax error.
 */
function refusedAt(ctx: RunnerContext, q: CountedQuery, sent: readonly SentFile[], sql: string): number | undefined {
  if (q.error === undefined || q.completed.length > 0) return undefined;
  if (ctx.session.aborted || ctx.session.lost || isConnectionLost(q.error)) return undefined;
  const pos = Number(pgError(q.error).position);
  return Number.isInteger(pos) && pos > 0 ? fileAt(sent, sql, pos) : 0;
}

/**
 * Runs consecutive batchable files in ONE round trip: `BEGIN; SET LOCAL ...; <file>; <history row>;
 * COMMIT;` for each, in one multi-statement query. The server runs them in order and stops at the
 * first error, so every file still commits alone with its history row; which files committed is read
 * back from the history table when the batch fails, and the failure of the next one is located in the
 * batch (it is not run again to find where it failed). A text the server refuses to parse runs nothing.
 */
export async function runBatch(ctx: RunnerContext, exes: readonly ExecutableMigration[]): Promise<BatchOutcome> {
  const started = Date.now();
  let sql = '';
  const sent: SentFile[] = [];
  for (const exe of exes) {
    const next = appendTransaction(sql, ctx, exe, ctx.history.upsertReturningSql(entryOf(exe.planned), ctx.appliedBy));
    sql = next.sql;
    sent.push(next.sent);
  }
  const q = await ctx.session.queryCounted(sql);
  const rejected = refusedAt(ctx, q, sent, sql);
  if (rejected !== undefined) return { committed: [], error: q.error, rejected };
  const markers = q.error === undefined ? batchMarkers(exes, q.result) : undefined;
  if (markers) return { committed: exes.map((exe, i) => ({ exe, durationMs: markers[i]!.db_action_ms ?? 0 })) };
  const error = q.error ?? new Error('internal: a batch of migrations did not report one history row per file');
  await rollbackQuietly(ctx);
  const committed = await committedOf(ctx, exes, error);
  const stoppedAt = sent[committed.length];
  if (q.error === undefined || stoppedAt === undefined) return { committed, error };
  const failure = await locateFailure(stoppedAt, sql, q.error, completedInStoppedFile(q.completed, committed.length));
  const elapsedMs = Math.max(0, Date.now() - started - committed.reduce((n, c) => n + c.durationMs, 0));
  return { committed, error, stopped: { failure, elapsedMs } };
}
