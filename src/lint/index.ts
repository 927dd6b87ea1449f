/**
 * The lint engine: directory -> new/base selection -> dev database -> fast base replay -> trace each
 * new statement -> rules -> findings. Returns a typed LintReport; reporters format it.
 */
import type pg from 'pg';

import { startDevDatabase } from '../devdb/index.js';
import type { DevDatabase } from '../devdb/types.js';
import { DbActionError, errorMessage } from '../errors.js';
import { loadMigrationDirectory } from '../migrations/index.js';
import type { MigrationFile } from '../migrations/types.js';
import { snapshotCatalog } from './catalog.js';
import { pgMessage, round } from './format.js';
import { repoRelative, resolveDir, selectChanges, type ChangeSelection } from './changes.js';
import {
  crossesThreshold,
  engineFinding,
  validateFailOn,
  validateSeverities,
  type SeverityConfig,
} from './findings.js';
import { openSession, replayBase } from './replay.js';
import { allRules } from './rules/index.js';
import { ChangeTracer } from './trace-files.js';
import { DEFAULT_FAIL_ON, type FileReport, type Finding, type LintOptions, type LintReport } from './types.js';

export type { LintOptions, LintReport } from './types.js';
export { traceStatement } from './trace.js';
export { snapshotCatalog, diffCatalog } from './catalog.js';

/** history-modified and out-of-order findings from the git selection. */
function selectionFindings(selection: ChangeSelection, config: SeverityConfig | undefined): Finding[] {
  const out: Finding[] = [];
  const rel = (m: MigrationFile): string => repoRelative(selection.root, m.absPath);
  const since = selection.mergeBase ? ` (merge base ${selection.mergeBase.slice(0, 12)})` : '';
  for (const { migration, line } of selection.modified) {
    const f = engineFinding(config, {
      file: rel(migration),
      line,
      endLine: line,
      rule: 'history-modified',
      category: 'history-modified',
      severity: 'error',
      message: `${rel(migration)} already exists on the base branch${since} and was edited; databases that applied it will never run the edit.`,
      suggestion: 'Revert the edit and put the change in a new migration.',
    });
    if (f) out.push(f);
  }
  for (const d of selection.deleted) {
    const what = d.renamedTo ? `was renamed to ${d.renamedTo}` : 'was deleted';
    const f = engineFinding(config, {
      file: d.file,
      line: 1,
      endLine: 1,
      rule: 'history-modified',
      category: 'history-modified',
      severity: 'error',
      message:
        `${d.file}${d.version === '?' ? '' : ` (version ${d.version})`} exists on the base branch${since} and ${what}; ` +
        `databases that applied it keep its changes, new databases will not get them` +
        (d.renamedTo ? ', and the renamed file runs again as a new migration.' : '.'),
      suggestion: d.renamedTo
        ? 'Keep the original file name; put any change in a new migration.'
        : 'Restore the file; to undo what it did, write a new migration.',
    });
    if (f) out.push(f);
  }
  const newestBase = [...selection.base].reverse().find((m) => !m.repeatable);
  for (const m of selection.outOfOrder) {
    const f = engineFinding(config, {
      file: rel(m),
      line: m.upStartLine,
      endLine: m.upStartLine,
      rule: 'out-of-order',
      category: 'out-of-order',
      severity: 'warning',
      message: `${rel(m)} (version ${m.version}) sorts before ${newestBase ? `${rel(newestBase)} (version ${newestBase.version})` : 'a migration'} that already exists on the base branch; databases that already applied it may skip or refuse this one.`,
      suggestion: 'Give the migration a version after the newest existing one (regenerate its timestamp or number).',
    });
    if (f) out.push(f);
  }
  return out;
}

export async function lint(options: LintOptions): Promise<LintReport> {
  const started = performance.now();
  const { logger, signal } = options;
  const cwd = options.cwd ?? process.cwd();
  const failOn = options.failOn ?? DEFAULT_FAIL_ON;
  const config = options.severities;
  validateFailOn(failOn);
  validateSeverities(config);
  const rules = options.rules ?? allRules;

  const directory = await loadMigrationDirectory(resolveDir(options.dir, cwd), { format: options.format ?? 'auto' });
  const selection = await selectChanges(directory, { base: options.base, latest: options.latest, cwd });
  const rel = (m: MigrationFile): string => repoRelative(selection.root, m.absPath);
  logger.info(
    `${repoRelative(selection.root, directory.dir)}: ${directory.format} format, ${selection.base.length} base and ${selection.fresh.length} new migration(s)`,
  );

  const findings: Finding[] = selectionFindings(selection, config);
  const files: FileReport[] = [];
  let devInfo: LintReport['devDatabase'] | undefined;
  const finish = (): LintReport => ({
    findings,
    files,
    baseCount: selection.base.length,
    newCount: selection.fresh.length,
    format: directory.format,
    dir: repoRelative(selection.root, directory.dir),
    devDatabase: devInfo ?? { provider: 'none', serverVersionNum: 0, startupMs: 0 },
    durationMs: round(performance.now() - started),
    failed: crossesThreshold(findings, failOn),
    failOn,
  });

  let dev: DevDatabase | undefined;
  let client: pg.Client | undefined;
  const onAbort = (): void => {
    // Ending the connection makes the running query fail at once; `finally` then cleans up.
    void client?.end().catch(() => undefined);
  };
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    signal?.throwIfAborted();
    if (selection.fresh.length === 0) {
      // Nothing to trace: no dev database needed (history-modified findings still stand).
      logger.info('no new migrations: nothing to trace');
      return finish();
    }
    dev = await startDevDatabase({
      url: options.devUrl,
      provider: options.devProvider ?? 'auto',
      postgresVersion: options.postgresVersion,
      logger,
    });
    devInfo = { provider: dev.provider, serverVersionNum: dev.serverVersionNum, startupMs: dev.startupMs };
    signal?.throwIfAborted();
    client = await openSession(dev.url, logger, options.prelude);

    const replayStarted = performance.now();
    const failure = await replayBase(client, selection.base, { logger, signal });
    logger.info(
      `replayed ${selection.base.length} base migration(s) in ${Math.round(performance.now() - replayStarted)} ms`,
    );

    let stopReason: string | undefined;
    if (failure) {
      const f = engineFinding(config, {
        file: rel(failure.migration),
        line: failure.line,
        endLine: failure.endLine,
        rule: 'apply-error',
        category: 'apply-error',
        severity: 'error',
        message: `Base migration ${rel(failure.migration)} does not apply: ${pgMessage(failure.message, failure.code)}.`,
        suggestion: 'Fix the migration history first: the new migrations were not traced.',
      });
      if (f) findings.push(f);
      stopReason = `not traced: base migration ${rel(failure.migration)} failed to apply`;
    }

    const tracer = stopReason
      ? undefined
      : new ChangeTracer(client, await snapshotCatalog(client), { rules, severities: config, logger, signal });
    for (const file of selection.fresh) {
      const path = rel(file);
      if (stopReason || !tracer) {
        files.push({
          file: path,
          version: file.version,
          status: 'new',
          statements: [],
          durationMs: 0,
          findings: [],
          note: stopReason,
        });
        continue;
      }
      signal?.throwIfAborted();
      const outcome = await tracer.traceFile(file, path);
      files.push(outcome.report);
      findings.push(...outcome.report.findings);
      if (outcome.failed) stopReason = `not traced: ${path} failed to apply`;
    }
    // A query broken by an abort looks like a failing statement: never report it as one.
    signal?.throwIfAborted();
  } catch (e) {
    if (signal?.aborted) throw new DbActionError('lint was cancelled', { cause: e });
    throw e;
  } finally {
    signal?.removeEventListener('abort', onAbort);
    if (client) await client.end().catch(() => undefined);
    if (dev) {
      await dev.close().catch((e: unknown) => logger.warn(`could not clean up the dev database: ${errorMessage(e)}`));
    }
  }

  return finish();
}
