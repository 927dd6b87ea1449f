/**
 * Running one migration file.
 *
 * Transactional files run in ONE transaction with their history row: first as a single
 * multi-statement query (one round trip), and, when that fails without telling where, statement by
 * statement to find the failing statement's line. Statements written as BEGIN/COMMIT in the file are
 * skipped so they cannot commit our transaction early.
 *
 * Non-transactional files run one statement per query in autocommit, recording progress after each
 * statement so that a rerun resumes where the last run stopped.
 *
 * Lock timeouts (55P03) are retried with exponential backoff: the whole file for a transactional one,
 * the failing statement for a non-transactional one.
 */
import { createHash } from 'node:crypto';

import { DbActionError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { ParsedMigration, Statement } from '../sql/types.js';
import { abortError, sleep } from './abort.js';
import { historyKey, type HistoryEntry, type HistoryTable } from './history.js';
import { concurrentIndexTarget, indexStates, invalidIndexes, invalidIndexHint } from './invalid-index.js';
import { isConnectionLost, isLockTimeout, migrationError, pgError } from './pg-errors.js';
import type { PlannedMigration } from './plan.js';
import type { ApplySession } from './session.js';

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

/** Whether a file runs in one transaction: not when its format or directive says so, or a statement cannot. */
export function isTransactionalFile(transaction: 'auto' | 'none', parsed: ParsedMigration | undefined): boolean {
  if (transaction === 'none' || parsed?.txMode === 'none') return false;
  return parsed === undefined || parsed.statements.every((s) => s.transactional);
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

/** SET (LOCAL) lock_timeout and statement_timeout. */
export function timeoutSql(ctx: Pick<RunnerContext, 'lockTimeoutMs' | 'statementTimeoutMs'>, local: boolean): string {
  const set = local ? 'SET LOCAL' : 'SET';
  // In a transaction, also note when it started: now() is the start of the whole query message, shared
  // by every file of a batch; the history row's execution_ms is measured from this instead.
  const started = local ? `SELECT set_config('db_action.started', clock_timestamp()::text, true);\n` : '';
  return `${set} lock_timeout = ${ms(ctx.lockTimeoutMs)};\n${set} statement_timeout = ${ms(ctx.statementTimeoutMs)};\n${started}`;
}

/** A failure located at a statement (or not). */
class StatementFailure extends Error {
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

function lastCommand(result: unknown): string | undefined {
  const last = (Array.isArray(result) ? result[result.length - 1] : result) as { command?: string } | undefined;
  return last?.command;
}

async function rollbackQuietly(ctx: RunnerContext): Promise<void> {
  if (ctx.session.lost) return;
  await ctx.session.client.query('ROLLBACK').catch(() => undefined);
}

/**
 * Runs a transactional file and its history row in one transaction. Fast: one multi-statement query
 * (the raw file text when it was not parsed, else its statements without BEGIN/COMMIT); per statement:
 * one query each, so a failure names its statement. Throws StatementFailure.
 */
async function runTransactionOnce(
  ctx: RunnerContext,
  exe: ExecutableMigration,
  perStatement: boolean,
  commit: boolean,
): Promise<void> {
  const record = commit ? `${ctx.history.upsertSql(entryOf(exe.planned), 'applied', ctx.appliedBy)};\n` : '';
  const finish = commit ? 'COMMIT' : 'ROLLBACK';
  const begin = `BEGIN;\n${timeoutSql(ctx, true)}`;
  if (!perStatement) {
    let sql: string;
    let parts: { offset: number; statement: Statement }[] | undefined;
    if (exe.parsed === undefined) {
      sql = `${begin}${exe.planned.migration.upSql}\n;\n${record}${finish}`;
    } else {
      sql = begin;
      parts = [];
      for (const s of exe.parsed.statements) {
        if (s.transactionControl) continue;
        parts.push({ offset: sql.length, statement: s });
        sql += `${s.text}\n;\n`;
      }
      sql += `${record}${finish}`;
    }
    let result: unknown;
    try {
      result = await ctx.session.query(sql);
    } catch (e) {
      if (!parts) throw await rawFailure(exe, e, begin);
      const pos = Number(pgError(e).position);
      const at = Number.isInteger(pos) && pos > 0 ? locate(parts, sql, pos) : undefined;
      if (at) {
        Object.assign(e as object, { position: String(at.position) });
        throw new StatementFailure(e, at.statement);
      }
      throw new StatementFailure(e, undefined);
    }
    // The file's text cannot have swallowed our COMMIT (the server parses the whole string first), but check.
    if (lastCommand(result) !== finish)
      throw new StatementFailure(
        new Error(`internal: the migration's transaction did not end with ${finish}`),
        undefined,
      );
    return;
  }
  let statements: readonly Statement[];
  try {
    statements = (await statementsOf(exe)).filter((s) => !s.transactionControl);
  } catch (e) {
    throw new StatementFailure(e, undefined, undefined, e instanceof DbActionError ? e : undefined);
  }
  await ctx.session.query(begin).catch((e: unknown) => {
    throw new StatementFailure(e, undefined);
  });
  for (const s of statements) {
    if (ctx.session.aborted) throw new StatementFailure(new Error('cancelled'), s);
    try {
      await ctx.session.query(s.text);
    } catch (e) {
      throw new StatementFailure(e, s);
    }
  }
  try {
    await ctx.session.query(`${record}${finish}`);
  } catch (e) {
    throw new StatementFailure(e, undefined);
  }
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

/** Runs a transactional file (commit = false: verify, rolls back and records nothing). */
export async function runTransactional(
  ctx: RunnerContext,
  exe: ExecutableMigration,
  commit = true,
  /** Lock timeouts this file already hit (in a batch): they count as tries. */
  priorLockTimeouts = 0,
): Promise<RunOutcome> {
  const started = Date.now();
  skippedControlLog(ctx, exe);
  if (exe.planned.previous && exe.planned.previous.statementsDone > 0) {
    throw new DbActionError(
      `${exe.planned.file} was partly applied statement by statement (${exe.planned.previous.statementsDone} done) but now runs in one transaction`,
      {
        file: exe.planned.file,
        hint: 'restore the file as it was when it failed so apply can resume it, or finish it by hand and record it in the history table',
      },
    );
  }
  let tries = priorLockTimeouts;
  let perStatement = priorLockTimeouts > 0;
  let delay = ctx.lockRetryDelayMs;
  if (priorLockTimeouts > 0) {
    ctx.logger.warn(`${exe.planned.file}: lock timeout (try ${tries} of ${ctx.lockRetries}); retrying in ${delay}ms`);
    await sleep(delay, ctx.session.signal);
    delay *= 2;
  }
  for (;;) {
    tries++;
    if (ctx.session.aborted) throw abortError(`before ${exe.planned.file}`, { file: exe.planned.file });
    try {
      await runTransactionOnce(ctx, exe, perStatement, commit);
      return { durationMs: Date.now() - started, retries: tries - 1 };
    } catch (e) {
      const failure = e instanceof StatementFailure ? e : new StatementFailure(e, undefined);
      await rollbackQuietly(ctx);
      const statement = failure.statement;
      const located = { file: exe.planned.file, line: failure.at?.line ?? statement?.startLine };
      if (ctx.session.aborted) {
        const err = abortError(`while running ${exe.planned.file}`, located);
        if (commit)
          await recordFailureQuietly(ctx, exe, err, {
            failedStatement: statement?.index ?? null,
            statementsDone: 0,
            doneChecksum: null,
            executionMs: Date.now() - started,
          });
        throw err;
      }
      const errCtx = {
        file: exe.planned.file,
        statement,
        at: failure.at,
        transactional: true,
        redact: ctx.redact,
        tries,
      };
      if (ctx.session.lost || isConnectionLost(failure.original)) throw migrationError(failure.original, errCtx);
      if (failure.replacement) {
        if (commit)
          await recordFailureQuietly(ctx, exe, failure.replacement, {
            failedStatement: null,
            statementsDone: 0,
            doneChecksum: null,
            executionMs: Date.now() - started,
          });
        throw failure.replacement;
      }
      if (isLockTimeout(failure.original) && tries < ctx.lockRetries) {
        ctx.logger.warn(
          `${exe.planned.file}: lock timeout (try ${tries} of ${ctx.lockRetries}); retrying in ${delay}ms`,
        );
        await sleep(delay, ctx.session.signal);
        delay *= 2;
        perStatement = true;
        continue;
      }
      if (!statement && !failure.at && !perStatement) {
        // Run again statement by statement to find where it fails (it is a real attempt: success commits).
        ctx.logger.debug(
          `${exe.planned.file}: failed as one query; running it statement by statement to find the failing line`,
        );
        perStatement = true;
        tries--;
        continue;
      }
      const err = migrationError(failure.original, errCtx);
      if (commit)
        await recordFailureQuietly(ctx, exe, err, {
          failedStatement: statement?.index ?? null,
          statementsDone: 0,
          doneChecksum: null,
          executionMs: Date.now() - started,
        });
      throw err;
    }
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
          hint: `keep the first ${start} statement(s) as they were so apply can resume after them, or finish the migration by hand and record it in the history table`,
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
    if (ctx.session.aborted) throw await failStatement(ctx, exe, s, new Error('cancelled'), started, tries);
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
  const finalErr = ctx.session.aborted
    ? abortError(`while running ${exe.planned.file}`, located, extraHint)
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
 * first failure, located at its statement.
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
      if (ctx.session.aborted) throw abortError(`before ${exe.planned.file}`, { file: exe.planned.file });
      const started = Date.now();
      const statements = (await statementsOf(exe)).filter((s) => !s.transactionControl);
      await ctx.session.query(`SAVEPOINT db_action_verify;\n${timeoutSql(ctx, true)}`);
      let failedAt: Statement | undefined;
      let failure: unknown;
      try {
        await ctx.session.query(statements.map((s) => `${s.text}\n;\n`).join(''));
      } catch (e) {
        failure = e;
        await ctx.session.query('ROLLBACK TO SAVEPOINT db_action_verify');
        for (const s of statements) {
          if (ctx.session.aborted) break;
          try {
            await ctx.session.query(s.text);
          } catch (e2) {
            failedAt = s;
            failure = e2;
            break;
          }
        }
      }
      if (failure !== undefined) {
        const error = ctx.session.aborted
          ? abortError(`while verifying ${exe.planned.file}`, { file: exe.planned.file, line: failedAt?.startLine })
          : migrationError(failure, {
              file: exe.planned.file,
              statement: failedAt,
              transactional: true,
              redact: ctx.redact,
            });
        out.push({ exe, status: 'failed', durationMs: Date.now() - started, error });
        return out;
      }
      out.push({ exe, status: 'verified', durationMs: Date.now() - started });
    }
    return out;
  } finally {
    await rollbackQuietly(ctx);
  }
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

/** The SQL a batch sends for a file: its statements when parsed, else its text. */
function batchBody(exe: ExecutableMigration): string {
  if (exe.parsed === undefined) return `${exe.planned.migration.upSql}\n;\n`;
  return exe.parsed.statements
    .filter((s) => !s.transactionControl)
    .map((s) => `${s.text}\n;\n`)
    .join('');
}

export interface BatchOutcome {
  /** Files of the batch that committed, in order, with their execution time. */
  readonly committed: readonly { readonly exe: ExecutableMigration; readonly durationMs: number }[];
  /** The error that stopped the batch (the file after the committed ones failed or did not run). */
  readonly error?: unknown;
}

/**
 * Runs consecutive batchable files in ONE round trip: `BEGIN; SET LOCAL ...; <file>; <history row>;
 * COMMIT;` for each, in one multi-statement query. The server runs them in order and stops at the
 * first error, so every file still commits alone with its history row; which files committed is read
 * back from the history table when the batch fails.
 */
export async function runBatch(ctx: RunnerContext, exes: readonly ExecutableMigration[]): Promise<BatchOutcome> {
  const begin = `BEGIN;\n${timeoutSql(ctx, true)}`;
  let sql = '';
  for (const exe of exes) {
    sql += `${begin}${batchBody(exe)}${ctx.history.upsertReturningSql(entryOf(exe.planned), ctx.appliedBy)};\nCOMMIT;\n`;
  }
  try {
    const result = await ctx.session.query(sql);
    const markers = (
      Array.isArray(result)
        ? (result as { command?: string; rows?: { db_action_key?: string; db_action_ms?: number }[] }[])
        : []
    )
      .filter((r) => r.command === 'INSERT' && r.rows?.[0]?.db_action_key !== undefined)
      .map((r) => r.rows![0]!);
    const keys = exes.map((e) => historyKey(e.planned.migration));
    if (markers.length !== exes.length || markers.some((m, i) => m.db_action_key !== keys[i])) {
      throw new Error('internal: a batch of migrations did not report one history row per file');
    }
    return { committed: exes.map((exe, i) => ({ exe, durationMs: markers[i]!.db_action_ms ?? 0 })) };
  } catch (e) {
    await rollbackQuietly(ctx);
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
    return { committed, error: e };
  }
}
