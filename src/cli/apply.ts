/** `db-action status` and `db-action apply`: options -> core -> a table or JSON -> exit code. */
import { relative } from 'node:path';
import type { Logger } from '../logger.js';
import { loadMigrationDirectory } from '../migrations/index.js';
import type { MigrationDirectory } from '../migrations/types.js';
import {
  apply,
  describeBaseline,
  formatDuration,
  isConfigurationError,
  parseDuration,
  status,
} from '../apply/index.js';
import type { ApplyResult } from '../apply/types.js';
import { assertPostgresUrl } from '../db/client.js';
import { DbActionError, errorMessage } from '../errors.js';
import { boolOption, intOption, stringOption, type ParsedCommand } from './args.js';
import { dirFormatOption } from './lint.js';
import { emit, type CliIo } from './io.js';

/** Rows of a plain-text table, columns padded to their widest cell. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** The directory listing part of `status`: every migration in apply order. */
export function formatDirectory(directory: MigrationDirectory, cwd: string): string {
  const shown = relative(cwd, directory.dir) || '.';
  const rows = directory.migrations.map((m) => [
    m.version,
    m.name,
    m.relPath,
    m.transaction === 'none' ? 'no-transaction' : m.repeatable ? 'repeatable' : '',
  ]);
  const head = `${shown}: ${directory.migrations.length} migration(s), format ${directory.format}`;
  const sum = directory.atlasSum
    ? `\natlas.sum: ${directory.atlasSum.ok ? 'ok' : `MISMATCH\n  ${directory.atlasSum.problems.join('\n  ')}`}`
    : '';
  return `${head}${sum}\n\n${table(['version', 'name', 'file', 'notes'], rows)}\n`;
}

export async function runStatus(parsed: ParsedCommand, io: CliIo, logger: Logger): Promise<number> {
  const v = parsed.values;
  const dir = stringOption(v, 'dir') ?? 'migrations';
  const format = dirFormatOption(stringOption(v, 'dir-format'));
  const url = stringOption(v, 'url') ?? io.env.DATABASE_URL;
  if (url) return runDatabaseStatus(parsed, io, logger, url);
  const directory = await loadMigrationDirectory(resolveDir(io, dir), { format });
  if (boolOption(v, 'json')) {
    emit(
      io,
      JSON.stringify(
        {
          dir: directory.dir,
          format: directory.format,
          atlasSum: directory.atlasSum,
          migrations: directory.migrations.map((m) => ({
            version: m.version,
            name: m.name,
            file: m.relPath,
            checksum: m.checksum,
            transaction: m.transaction,
            repeatable: m.repeatable,
          })),
        },
        null,
        2,
      ),
      undefined,
    );
  } else {
    emit(io, formatDirectory(directory, io.cwd), undefined);
  }
  return directory.atlasSum && !directory.atlasSum.ok ? 1 : 0;
}

export function resolveDir(io: CliIo, dir: string): string {
  return dir.startsWith('/') ? dir : `${io.cwd}/${dir}`;
}

async function runDatabaseStatus(parsed: ParsedCommand, io: CliIo, logger: Logger, url: string): Promise<number> {
  const v = parsed.values;
  assertPostgresUrl(url);
  const result = await status({
    databaseUrl: url,
    directory: await loadMigrationDirectory(resolveDir(io, stringOption(v, 'dir') ?? 'migrations'), {
      format: dirFormatOption(stringOption(v, 'dir-format')),
    }),
    historyTable: stringOption(v, 'history-table'),
    cwd: io.cwd,
    logger,
  });
  if (result.error) throw result.error;
  if (boolOption(v, 'json')) {
    emit(io, JSON.stringify(result, null, 2), undefined);
  } else {
    const rows = result.migrations.map((m) => [
      m.version,
      m.name,
      m.state,
      m.appliedAt ? m.appliedAt.toISOString().replace('T', ' ').slice(0, 19) : '',
      m.error ? m.error.split('\n')[0]! : (m.file ?? ''),
    ]);
    const head = result.historyExists
      ? `${result.appliedCount} applied, ${result.pendingCount} pending, current version ${result.currentVersion ?? '(none)'}`
      : `no history table yet: ${result.pendingCount} pending`;
    const notes = [
      ...result.warnings.map((w) => `warning: ${w}`),
      ...(result.applyWouldRefuse ? [`apply would refuse to run: ${result.applyWouldRefuse}`] : []),
    ];
    emit(
      io,
      `${head}\n\n${table(['version', 'name', 'state', 'applied at', 'file / error'], rows)}${notes.length ? `\n\n${notes.join('\n')}\n` : ''}`,
      undefined,
    );
  }
  return result.ok ? 0 : 1;
}

/** `5s`, `500ms`, `2m`, `0` -> milliseconds, naming the option on error. */
function durationOption(v: ParsedCommand['values'], name: string): number | undefined {
  const raw = stringOption(v, name);
  if (raw === undefined) return undefined;
  return parseDuration(raw, `--${name}`);
}

export async function runApply(parsed: ParsedCommand, io: CliIo, logger: Logger): Promise<number> {
  const v = parsed.values;
  if (boolOption(v, 'verify') && boolOption(v, 'dry-run')) {
    throw new DbActionError('--verify and --dry-run cannot be combined', {
      hint: '--dry-run lists what would run without running anything; --verify runs the pending migrations and rolls them back: pass one of them',
    });
  }
  const url = stringOption(v, 'url') ?? io.env.DATABASE_URL;
  if (!url) {
    throw new DbActionError('no database to apply to', {
      hint: 'pass --url postgres://user:password@host:5432/db or set DATABASE_URL',
    });
  }
  // Usage and configuration errors first (exit 2, before any connection): a malformed URL, a missing
  // or unrecognisable directory, an unknown format, a bad duration.
  assertPostgresUrl(url);
  const directory = await loadMigrationDirectory(resolveDir(io, stringOption(v, 'dir') ?? 'migrations'), {
    format: dirFormatOption(stringOption(v, 'dir-format')),
  });
  const timeouts = {
    lockTimeoutMs: durationOption(v, 'lock-timeout'),
    statementTimeoutMs: durationOption(v, 'statement-timeout'),
    lockRetries: intOption(v, 'lock-retries'),
    lockWaitMs: durationOption(v, 'lock-wait'),
  };
  const abort = new AbortController();
  const onSignal = (signal: NodeJS.Signals): void => abort.abort(new DbActionError(`interrupted by ${signal}`));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  let result;
  try {
    result = await apply({
      databaseUrl: url,
      directory,
      historyTable: stringOption(v, 'history-table'),
      cwd: io.cwd,
      logger,
      dryRun: boolOption(v, 'dry-run'),
      verify: boolOption(v, 'verify'),
      baseline: stringOption(v, 'baseline'),
      allowOutOfOrder: boolOption(v, 'allow-out-of-order'),
      ...timeouts,
      signal: abort.signal,
    });
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  // Stopped before any migration was planned (unreachable server, failed login, atlas.sum or checksum
  // mismatch, lock held too long): only the error, no "0 applied … nothing to do" table that reads as if
  // the database had been looked at.
  const stoppedBeforePlan = result.error !== undefined && result.migrations.length === 0;
  if (boolOption(v, 'json')) {
    emit(
      io,
      JSON.stringify({ ...result, error: result.error ? errorMessage(result.error) : undefined }, null, 2),
      undefined,
    );
  } else if (!stoppedBeforePlan) {
    emit(io, formatApplyResult(result), undefined);
  }
  if (result.error) io.stderr(`db-action: ${errorMessage(result.error)}\n`);
  // 2 for a usage or configuration error (connection, login, options, privileges), as for every command;
  // 1 when the check or a migration failed
  if (result.ok) return 0;
  return isConfigurationError(result.error) ? 2 : 1;
}

export function formatApplyResult(result: ApplyResult): string {
  const mode = result.dryRun ? 'dry run: ' : result.verify ? 'verify: ' : '';
  const rows = result.migrations.map((m) => [
    m.version,
    m.name,
    m.status,
    m.durationMs === undefined ? '' : formatDuration(m.durationMs),
    m.file,
  ]);
  const head =
    `${mode}${result.appliedCount} applied, ${result.pendingCount} pending, ` +
    `current version ${result.currentVersion ?? '(none)'} (${formatDuration(result.durationMs)})`;
  const warnings = result.warnings.map((w) => `warning: ${w}`).join('\n');
  const body = rows.length ? `\n\n${table(['version', 'name', 'status', 'time', 'file'], rows)}` : '\n\nnothing to do';
  const baseline = describeBaseline(result);
  return `${head}${body}${baseline ? `\n\n${baseline}` : ''}${warnings ? `\n\n${warnings}` : ''}\n`;
}
