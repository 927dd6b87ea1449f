/**
 * Apply engine: `apply()` runs pending migrations exactly once (advisory lock, checksummed history,
 * one transaction per file, resumable non-transactional files, bounded lock timeouts, cancellation);
 * `status()` lists applied/pending/failed/edited migrations. Neither throws for user-fixable problems:
 * they come back in `error` next to the per-migration results.
 */
import { isAbsolute, join, relative, resolve, sep } from 'node:path';

import { DbActionError, isDbActionError } from '../errors.js';
import { compareVersions, loadMigrationDirectory } from '../migrations/index.js';
import type { MigrationDirectory, MigrationFile } from '../migrations/types.js';
import { Redactor, redactingLogger } from '../secrets.js';
import { parseSql } from '../sql/index.js';
import { connect } from '../db/client.js';
import { formatDuration } from './duration.js';
import { appliedByDetail, historyKey, HistoryTable, type HistoryRow } from './history.js';
import { acquireLock, lockKeys, releaseLock } from './lock.js';
import { ApplyConfigurationError } from './config-error.js';
import { assertBaselineVersion, currentVersion, planApply, type Plan, type PlannedMigration } from './plan.js';
import { scrubbedCause } from './pg-errors.js';
import { isTransactionalFile } from '../sql/transaction.js';
import {
  batchable,
  ensureParsed,
  runBatch,
  runNonTransactional,
  runTransactional,
  runVerify,
  type BatchAttempt,
  type ExecutableMigration,
  type RunnerContext,
} from './runner.js';
import { abortError } from './abort.js';
import { mayNeedStatements } from './screen.js';
import { ApplySession } from './session.js';
import type {
  ApplyOptions,
  ApplyResult,
  MigrationRunResult,
  MigrationStatusEntry,
  StatusOptions,
  StatusResult,
  TargetOptions,
} from './types.js';

export type * from './types.js';
export { parseDuration, formatDuration } from './duration.js';
export { HistoryTable } from './history.js';
export { ApplyConfigurationError, isConfigurationError } from './config-error.js';

/** Most files / characters of SQL sent in one batch. */
const BATCH_FILES = 100;
const BATCH_BYTES = 1_000_000;
/** Files parsed ahead while the server runs the current ones. */
const PARSE_AHEAD = 25;

const DEFAULTS = {
  lockTimeoutMs: 5000,
  statementTimeoutMs: 0,
  lockRetries: 3,
  lockRetryDelayMs: 1000,
  lockWaitMs: 300_000,
  applicationName: 'db-action apply',
};

/** Errors with secrets scrubbed from message, hint and cause. */
function scrubError(e: unknown, redact: (t: string) => string): Error {
  if (isDbActionError(e)) {
    if (redact(e.format()) === e.format()) return e;
    return Object.assign(Object.create(Object.getPrototypeOf(e) as object) as Error, e, {
      message: redact(e.message),
      hint: e.hint === undefined ? undefined : redact(e.hint),
      cause: scrubbedCause(e.cause ?? e, redact),
    });
  }
  return scrubbedCause(e, redact);
}

/** A path as the user names it: relative to `cwd` when inside it, `/`-separated. */
function displayPath(cwd: string, absPath: string): string {
  const rel = relative(cwd, absPath);
  return (rel === '' || isAbsolute(rel) || rel.startsWith('..') ? absPath : rel).split(sep).join('/');
}

function displayPathFn(cwd: string): (m: MigrationFile) => string {
  return (m) => displayPath(cwd, m.absPath);
}

async function loadDirectory(options: TargetOptions, cwd: string): Promise<MigrationDirectory> {
  if (options.directory) return options.directory;
  const dir = options.dir ?? 'migrations';
  return loadMigrationDirectory(resolve(cwd, dir), { format: options.format ?? 'auto' });
}

function resultOf(
  p: PlannedMigration,
  status: MigrationRunResult['status'],
  extra: Partial<MigrationRunResult> = {},
): MigrationRunResult {
  return {
    version: p.migration.version,
    name: p.migration.name,
    file: p.file,
    repeatable: p.migration.repeatable,
    transactional: extra.transactional ?? p.migration.transaction !== 'none',
    status,
    ...extra,
  };
}

/**
 * Applies pending migrations. Order of work: load + validate the directory, connect, take the
 * advisory lock (polling, no transaction held), create the history table if absent, re-read it,
 * validate checksums and order, parse every pending file, baseline, then run each file; unlock and
 * close in `finally`.
 */
export async function apply(options: ApplyOptions): Promise<ApplyResult> {
  const started = Date.now();
  const redactor = new Redactor().addUrl(options.databaseUrl);
  const redact = (t: string): string => redactor.redact(t);
  const logger = redactingLogger(options.logger, redactor);
  const cwd = options.cwd ?? process.cwd();
  const dryRun = options.dryRun ?? false;
  const verify = options.verify ?? false;
  const opt = {
    lockTimeoutMs: options.lockTimeoutMs ?? DEFAULTS.lockTimeoutMs,
    statementTimeoutMs: options.statementTimeoutMs ?? DEFAULTS.statementTimeoutMs,
    lockRetries: Math.max(1, options.lockRetries ?? DEFAULTS.lockRetries),
    lockRetryDelayMs: options.lockRetryDelayMs ?? DEFAULTS.lockRetryDelayMs,
    lockWaitMs: options.lockWaitMs ?? DEFAULTS.lockWaitMs,
  };
  const results = new Map<string, MigrationRunResult>();
  const order: string[] = [];
  const setResult = (r: MigrationRunResult, key: string): void => {
    if (!results.has(key)) order.push(key);
    results.set(key, r);
  };
  let warnings: string[] = [];
  let rows: HistoryRow[] = [];
  let plan: Plan | undefined;
  let compare: ((a: string, b: string) => number) | undefined;
  let appliedCount = 0;
  let error: Error | undefined;
  let session: ApplySession | undefined;
  let keys: readonly [number, number] | undefined;
  let locked = false;
  try {
    if (dryRun && verify) {
      throw new ApplyConfigurationError('dry-run and verify cannot be combined', {
        hint: 'dry-run lists the plan without running anything; verify runs the pending migrations and rolls them back: choose one',
      });
    }
    const history = new HistoryTable(options.historyTable);
    const directory = await loadDirectory(options, cwd);
    if (directory.atlasSum && !directory.atlasSum.ok) {
      throw new DbActionError(
        `atlas.sum does not match the migration directory: ${directory.atlasSum.problems.join('; ')}`,
        {
          file: displayPath(cwd, join(directory.dir, 'atlas.sum')),
          hint: 'a migration was added or edited without updating atlas.sum: run `atlas migrate hash` and commit the result',
        },
      );
    }
    const format = directory.format;
    compare = (a, b) => compareVersions(format, a, b);
    // before connecting: a baseline that is not a migration's version writes nothing anywhere
    if (options.baseline !== undefined) assertBaselineVersion(directory.migrations, options.baseline, compare);
    const pathOf = displayPathFn(cwd);
    session = await ApplySession.open(options.databaseUrl, {
      applicationName: options.applicationName ?? DEFAULTS.applicationName,
      logger,
      signal: options.signal,
    });
    const client = session.client;
    if (!dryRun) {
      keys = lockKeys(history.toString());
      await acquireLock(client, keys, {
        waitMs: opt.lockWaitMs,
        logger,
        signal: options.signal,
        what: history.toString(),
      });
      locked = true;
    }
    // Dry-run and verify write nothing: the history is read only when it exists.
    if (!dryRun && !verify) {
      if (await history.ensure(client)) logger.info(`created the history table ${history}`);
    }
    const historyExists = await history.exists(client);
    rows = historyExists ? await history.read(client) : [];
    plan = planApply(directory.migrations, rows, {
      allowOutOfOrder: options.allowOutOfOrder,
      baseline: options.baseline,
      displayPath: pathOf,
      compare,
      historyTable: history.qualified,
    });
    warnings = [...plan.warnings];
    if (dryRun && !historyExists) {
      // what the real run does first, and whether this role may do it
      const creation = await history.creationPlan(client);
      logger.info(
        `the history table ${history} does not exist yet: apply would create it${creation.schemaExists ? '' : ` (and its schema ${history.schema})`} (dry run: not created)`,
      );
      if (creation.problem) {
        warnings.push(`apply would fail: ${creation.problem.message}; hint: ${creation.problem.hint ?? ''}`);
      }
    }
    for (const w of warnings) logger.warn(w);
    for (const p of plan.baseline) setResult(resultOf(p, 'baseline'), historyKey(p.migration));
    for (const p of plan.run) setResult(resultOf(p, 'pending'), historyKey(p.migration));

    // Files that may need their statements (non-transactional statements, their own BEGIN/COMMIT,
    // directives; see screen.ts) are parsed before they run: up front for dry-run and verify, else while
    // the server runs the files before them. The others run as their raw text and are parsed only if
    // they fail.
    const exes: ExecutableMigration[] = [];
    for (const p of plan.run) {
      const m = p.migration;
      const parse = () => parseSql(m.upSql, { file: p.file, firstLine: m.upStartLine });
      const exe: ExecutableMigration = {
        planned: p,
        parsed: undefined,
        parse,
        needsParse: mayNeedStatements(m.upSql),
        transactional: m.transaction !== 'none',
      };
      if (dryRun || verify) {
        exe.parsed = await parse();
        exe.transactional = isTransactionalFile(m.transaction, exe.parsed);
      }
      exes.push(exe);
      setResult(resultOf(p, 'pending', { transactional: exe.transactional }), historyKey(m));
    }

    if (plan.run.length === 0 && plan.baseline.length === 0)
      logger.info(`database is up to date (${directory.migrations.length} migrations)`);
    if (dryRun) {
      for (const p of plan.baseline) logger.info(`would record ${p.file} as applied without running it (baseline)`);
      if (plan.baseline.length > 0)
        logger.info(
          `baseline ${options.baseline}: ${plan.baseline.length} migration(s) would be recorded without running; ${exes.length === 0 ? 'no later migration to apply' : `then the ${exes.length} later pending migration(s) would be applied in the same run`}`,
        );
      for (const e of exes)
        logger.info(
          `would apply ${e.planned.file}${e.transactional ? '' : ' (statement by statement, no transaction)'}`,
        );
      return finish();
    }

    const ctx: RunnerContext = {
      session,
      history,
      logger,
      appliedBy: appliedByDetail(),
      ...opt,
      redact,
    };

    if (verify) {
      const outcomes = await runVerify(ctx, exes);
      for (const o of outcomes) {
        setResult(
          resultOf(o.exe.planned, o.status, {
            transactional: o.exe.transactional,
            durationMs: o.durationMs,
            error: o.error?.format(),
          }),
          historyKey(o.exe.planned.migration),
        );
        if (o.status === 'verified')
          logger.info(`verified ${o.exe.planned.file} (${formatDuration(o.durationMs ?? 0)}, rolled back)`);
        if (o.error) error = o.error;
      }
      return finish();
    }

    if (plan.baseline.length > 0) {
      const sql = plan.baseline
        .map((p) =>
          history.upsertSql(
            {
              version: p.migration.version,
              name: p.migration.name,
              repeatable: false,
              file: p.migration.relPath,
              checksum: p.migration.checksum,
            },
            'baseline',
            ctx.appliedBy,
            false,
          ),
        )
        .join(';\n');
      await session.query(`BEGIN;\n${sql};\nCOMMIT`);
      logger.info(
        `baseline ${options.baseline}: recorded ${plan.baseline.length} migration(s) up to and including it as applied without running them; ${exes.length === 0 ? 'no later migration to apply' : `now applying the ${exes.length} later pending migration(s) in this run`}`,
      );
    }

    const applied = (
      exe: ExecutableMigration,
      outcome: { durationMs: number; retries?: number; resumedFrom?: number },
    ): void => {
      appliedCount++;
      const p = exe.planned;
      setResult(
        resultOf(p, 'applied', {
          transactional: exe.transactional,
          durationMs: outcome.durationMs,
          retries: outcome.retries,
          resumedFrom: outcome.resumedFrom,
        }),
        historyKey(p.migration),
      );
      logger.info(
        `applied ${p.file} (${formatDuration(outcome.durationMs)}${outcome.retries ? `, ${outcome.retries} retr${outcome.retries > 1 ? 'ies' : 'y'}` : ''})`,
      );
    };
    /** Parses the next files that need it while the server is busy with the current ones. */
    const parseAhead = async (from: number): Promise<void> => {
      for (let k = from, n = 0; k < exes.length && n < PARSE_AHEAD; k++) {
        const x = exes[k]!;
        if (!x.needsParse || x.parsed !== undefined) continue;
        n++;
        await ensureParsed(x).catch(() => undefined);
      }
    };
    let batchLimit = BATCH_FILES;
    for (let i = 0; i < exes.length;) {
      // Consecutive plain transactional files go to the server in batches (one round trip each).
      const batch: ExecutableMigration[] = [];
      let size = 0;
      for (let j = i; j < exes.length && batch.length < batchLimit && size < BATCH_BYTES; j++) {
        await ensureParsed(exes[j]!).catch(() => undefined); // a parse error surfaces when the file runs alone
        if (!batchable(exes[j]!)) break;
        batch.push(exes[j]!);
        size += exes[j]!.planned.migration.upSql.length;
      }
      batchLimit = BATCH_FILES;
      // the file that stopped a batch: its try in the batch (located there) is its first try
      let batchTry: BatchAttempt | undefined;
      if (batch.length > 1) {
        const first = batch[0]!.planned.file;
        if (session.aborted) throw abortError(`before ${first}`, { file: first }, undefined, 'nothing-ran');
        const running = runBatch(ctx, batch);
        running.catch(() => undefined); // awaited below; parsing ahead must not leave it unhandled
        await parseAhead(i + batch.length);
        const outcome = await running;
        for (const c of outcome.committed) applied(c.exe, { durationMs: c.durationMs });
        i += outcome.committed.length;
        if (outcome.error === undefined) continue;
        if (outcome.rejected !== undefined) {
          // a syntax error in one file made the server refuse the whole batch, so nothing ran: the files
          // before that one go again, then it runs (and fails) alone
          batchLimit = Math.max(1, outcome.rejected);
          continue;
        }
        if (outcome.stopped === undefined) throw outcome.error;
        batchTry = outcome.stopped;
      }
      const exe = exes[i]!;
      i++;
      const p = exe.planned;
      try {
        // a file that failed in a batch has its failure already (a parse error included): not parsed again
        if (batchTry === undefined) await ensureParsed(exe);
      } catch (e) {
        const scrubbed = scrubError(e, redact);
        setResult(
          resultOf(p, 'failed', { error: isDbActionError(scrubbed) ? scrubbed.format() : scrubbed.message }),
          historyKey(p.migration),
        );
        throw scrubbed;
      }
      const transactional = exe.transactional;
      const key = historyKey(p.migration);
      if (p.action === 'retry') {
        logger.info(
          `${p.file}: a previous run ${p.previous?.status === 'running' ? 'was interrupted' : 'failed'}${p.previous?.error ? ` (${p.previous.error.split('\n')[0]})` : ''}; ${transactional ? 'retrying it from scratch' : 'resuming it'}`,
        );
      }
      try {
        const running = transactional ? runTransactional(ctx, exe, batchTry) : runNonTransactional(ctx, exe);
        running.catch(() => undefined); // awaited below; parsing ahead must not leave it unhandled
        await parseAhead(i);
        applied(exe, await running);
      } catch (e) {
        const scrubbed = scrubError(e, redact);
        setResult(
          resultOf(p, 'failed', {
            transactional,
            error: isDbActionError(scrubbed) ? scrubbed.format() : scrubbed.message,
          }),
          key,
        );
        throw scrubbed;
      }
    }
    return finish();
  } catch (e) {
    error = scrubError(e, redact);
    return finish();
  } finally {
    if (session) {
      if (locked && keys && !session.lost) await releaseLock(session.client, keys);
      await session.close();
    }
  }

  function finish(): ApplyResult {
    const migrations = order.map((k) => results.get(k)!);
    const doneRows = [
      ...rows,
      ...migrations
        .filter((m) => m.status === 'applied' || m.status === 'baseline')
        .map((m) => ({ version: m.version, repeatable: m.repeatable, status: 'applied' as const })),
    ];
    const pendingCount = migrations.filter(
      (m) => m.status === 'pending' || m.status === 'failed' || m.status === 'verified' || m.status === 'skipped',
    ).length;
    if (error) logger.debug(`apply stopped: ${error.message}`);
    return {
      ok: error === undefined,
      error,
      migrations,
      appliedCount,
      pendingCount,
      currentVersion: currentVersion(doneRows, compare),
      dryRun,
      verify,
      warnings,
      durationMs: Date.now() - started,
    };
  }
}

/** Lists every migration with its state in the database (read only: takes no lock, creates nothing). */
export async function status(options: StatusOptions): Promise<StatusResult> {
  const redactor = new Redactor().addUrl(options.databaseUrl);
  const redact = (t: string): string => redactor.redact(t);
  const logger = redactingLogger(options.logger, redactor);
  const cwd = options.cwd ?? process.cwd();
  try {
    const history = new HistoryTable(options.historyTable);
    const directory = await loadDirectory(options, cwd);
    const pathOf = displayPathFn(cwd);
    const compare = (a: string, b: string): number => compareVersions(directory.format, a, b);
    const client = await connect(options.databaseUrl, { applicationName: 'db-action status', logger });
    let rows: HistoryRow[] = [];
    let historyExists = false;
    try {
      historyExists = await history.exists(client);
      if (historyExists) rows = await history.read(client);
    } finally {
      await client.end().catch(() => undefined);
    }
    const byKey = new Map(rows.map((r) => [r.key, r]));
    const entries: MigrationStatusEntry[] = [];
    for (const m of directory.migrations) {
      const row = byKey.get(historyKey(m));
      byKey.delete(historyKey(m));
      const base = { version: m.version, name: m.name, file: pathOf(m), repeatable: m.repeatable };
      if (!row) {
        entries.push({ ...base, state: 'pending' });
        continue;
      }
      let state: MigrationStatusEntry['state'] = row.status;
      if ((row.status === 'applied' || row.status === 'baseline') && row.checksum !== m.checksum)
        state = m.repeatable ? 'outdated' : 'checksum-mismatch';
      entries.push({
        ...base,
        state,
        appliedAt: row.appliedAt,
        executionMs: row.executionMs ?? undefined,
        appliedBy: row.appliedBy ?? undefined,
        error: row.error ?? undefined,
        statementsDone: row.status === 'applied' ? undefined : row.statementsDone,
      });
    }
    for (const row of byKey.values()) {
      entries.push({
        version: row.version,
        name: row.name,
        repeatable: row.repeatable,
        state: 'missing-file',
        appliedAt: row.appliedAt,
        executionMs: row.executionMs ?? undefined,
        appliedBy: row.appliedBy ?? undefined,
        error: row.error ?? undefined,
      });
    }
    // What apply would say about this history: a refusal (an edited applied migration, an out-of-order
    // version, a partly applied migration whose file is gone) stops it before anything runs.
    let applyWouldRefuse: string | undefined;
    let warnings: readonly string[] = [];
    try {
      warnings = planApply(directory.migrations, rows, {
        displayPath: pathOf,
        compare,
        historyTable: history.qualified,
      }).warnings;
    } catch (e) {
      if (!isDbActionError(e)) throw e;
      applyWouldRefuse = redact(e.format());
    }
    return {
      ok:
        applyWouldRefuse === undefined &&
        !entries.some((e) => e.state === 'failed' || e.state === 'running' || e.state === 'checksum-mismatch'),
      applyWouldRefuse,
      warnings: warnings.map(redact),
      migrations: entries,
      historyExists,
      appliedCount: entries.filter((e) => e.state === 'applied' || e.state === 'baseline').length,
      pendingCount: entries.filter(
        (e) => e.state === 'pending' || e.state === 'failed' || e.state === 'running' || e.state === 'outdated',
      ).length,
      currentVersion: currentVersion(rows, compare),
    };
  } catch (e) {
    const error = scrubError(e, redact);
    return {
      ok: false,
      error,
      migrations: [],
      historyExists: false,
      appliedCount: 0,
      pendingCount: 0,
      warnings: [],
    };
  }
}

/** What a baseline did (or would do): recorded without running, and the later migrations applied in the same run. */
export function describeBaseline(result: ApplyResult): string | undefined {
  const recorded = result.migrations.filter((m) => m.status === 'baseline');
  if (recorded.length === 0) return undefined;
  const later = result.migrations.filter((m) => m.status !== 'baseline');
  const last = recorded[recorded.length - 1]!.version;
  if (result.dryRun || result.verify) {
    return `baseline: ${recorded.length} migration(s) up to and including ${last} would be recorded as applied without running them; ${later.length === 0 ? 'no later migration would run' : `the ${later.length} later one(s) would then be applied in the same run`}`;
  }
  const applied = later.filter((m) => m.status === 'applied').length;
  return `baseline: ${recorded.length} migration(s) up to and including ${last} recorded as applied without running them; ${later.length === 0 ? 'no later migration to apply' : `${applied} of the ${later.length} later one(s) applied in this run`}`;
}
