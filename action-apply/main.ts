/**
 * The apply action: masks the database URL first, reads the inputs, runs apply() with SIGINT/SIGTERM
 * wired to cancellation, then sets outputs, writes the job summary, annotates the failing file:line
 * and fails the step with a clean message (no stack).
 */
import { isAbsolute, relative, resolve } from 'node:path';
import * as core from '@actions/core';

import { parseDuration } from '../src/apply/duration.js';
import { apply, describeBaseline } from '../src/apply/index.js';
import type { ApplyOptions, ApplyResult } from '../src/apply/types.js';
import { DbActionError, errorMessage, isDbActionError } from '../src/errors.js';
import type { Logger } from '../src/logger.js';
import { DIR_FORMATS, type DirFormat } from '../src/migrations/types.js';
import { Redactor, redactingLogger, secretsOf } from '../src/secrets.js';
import { renderApplySummary } from './summary.js';

function workspace(): string {
  return process.env.GITHUB_WORKSPACE || process.cwd();
}

function input(name: string): string {
  return core.getInput(name).trim();
}

function booleanInput(name: string): boolean {
  const v = input(name).toLowerCase();
  if (v === '' || ['false', 'no', 'off', '0'].includes(v)) return false;
  if (['true', 'yes', 'on', '1'].includes(v)) return true;
  throw new DbActionError(`input ${name}: expected true or false, got "${v}"`);
}

function durationInput(name: string, fallback: string): number {
  return parseDuration(input(name) || fallback, `input ${name}`);
}

function integerInput(name: string, fallback: number): number {
  const v = input(name);
  if (v === '') return fallback;
  if (!/^\d+$/.test(v) || Number(v) < 1)
    throw new DbActionError(`input ${name}: expected a whole number >= 1, got "${v}"`);
  return Number(v);
}

/** Reads the inputs. The caller has already masked `database-url`. */
export function readApplyInputs(databaseUrl: string, logger: Logger): Omit<ApplyOptions, 'signal'> {
  const dirFormat = (input('dir-format') || 'auto') as DirFormat | 'auto';
  if (dirFormat !== 'auto' && !DIR_FORMATS.includes(dirFormat)) {
    throw new DbActionError(`input dir-format: unknown format "${dirFormat}"`, {
      hint: `use auto or one of: ${DIR_FORMATS.join(', ')}`,
    });
  }
  const dir = input('dir') || 'migrations';
  return {
    databaseUrl,
    dir: isAbsolute(dir) ? dir : resolve(workspace(), dir),
    format: dirFormat,
    cwd: workspace(),
    logger,
    dryRun: booleanInput('dry-run'),
    allowOutOfOrder: booleanInput('allow-out-of-order'),
    baseline: input('baseline') || undefined,
    historyTable: input('history-table') || undefined,
    lockTimeoutMs: durationInput('lock-timeout', '5s'),
    statementTimeoutMs: durationInput('statement-timeout', '0'),
    lockRetries: integerInput('lock-retries', 3),
    lockWaitMs: durationInput('lock-wait', '5m'),
  };
}

/** Runs the action; never throws (failures go through core.setFailed). */
export async function run(): Promise<void> {
  // FIRST, before any other input is read or anything logged: mask the URL and its password.
  const databaseUrl = core.getInput('database-url', { required: false }).trim();
  for (const secret of secretsOf(databaseUrl)) core.setSecret(secret);
  const redactor = new Redactor().addUrl(databaseUrl);
  const scrub = (t: string): string => redactor.redact(t);
  const logger = redactingLogger(
    {
      debug: (m) => core.debug(m),
      info: (m) => core.info(m),
      warn: (m) => core.warning(m),
      error: (m) => core.error(m),
    },
    redactor,
  );

  const controller = new AbortController();
  const onSignal = (signal: NodeJS.Signals): void => {
    logger.warn(`received ${signal}: cancelling the running migration`);
    controller.abort();
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    if (!databaseUrl)
      throw new DbActionError('input database-url is required', {
        hint: 'pass it from a secret: database-url: ${{ secrets.DATABASE_URL }}',
      });
    const options = readApplyInputs(databaseUrl, logger);
    const result = await apply({ ...options, signal: controller.signal });
    await report(result, options, scrub);
  } catch (e) {
    // input errors and bugs (apply() itself returns its errors)
    const message = scrub(isDbActionError(e) ? e.format() : `internal error: ${errorMessage(e)}`);
    core.setFailed(message);
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }
}

async function report(
  result: ApplyResult,
  options: Omit<ApplyOptions, 'signal'>,
  scrub: (t: string) => string,
): Promise<void> {
  core.setOutput('applied-count', String(result.appliedCount));
  core.setOutput('pending-count', String(result.pendingCount));
  core.setOutput('current-version', result.currentVersion ?? '');
  const dir = options.dir ? relative(workspace(), options.dir) || '.' : undefined;
  try {
    await core.summary.addRaw(scrub(renderApplySummary(result, { dir })), true).write();
  } catch (e) {
    core.debug(`no job summary written: ${scrub(errorMessage(e))}`);
  }
  const baseline = describeBaseline(result);
  if (baseline) core.info(scrub(baseline));
  if (!result.error) {
    core.info(
      result.dryRun
        ? `dry run: ${result.pendingCount} migration(s) would be applied`
        : `${result.appliedCount} migration(s) applied; ${result.pendingCount} pending; current version ${result.currentVersion ?? '(none)'}`,
    );
    return;
  }
  const e = result.error;
  const message = scrub(isDbActionError(e) ? e.format() : `internal error: ${e.message}`);
  if (isDbActionError(e) && e.file) {
    // One failure, one annotation: at the file:line (annotations want the repo-relative path, which the
    // core already made relative to GITHUB_WORKSPACE), and the step failed without a second ::error::
    // line of the same text (core.setFailed would add one).
    core.error(message, {
      title: 'db-action apply',
      file: e.file,
      startLine: e.line,
      startColumn: e.column,
    });
    process.exitCode = core.ExitCode.Failure;
    return;
  }
  core.setFailed(message);
}
