/**
 * Validation and planning, pure: the directory and the history rows in, what to baseline and what to
 * run out, or a DbActionError before anything runs (edited applied migration, out-of-order version).
 */
import { DbActionError } from '../errors.js';
import type { MigrationFile } from '../migrations/types.js';
import { ApplyConfigurationError } from './config-error.js';
import { historyKey, type HistoryRow } from './history.js';

/** Natural version order: digit runs compared as numbers, so `9 < 10`, `1.2 < 1.10`, timestamps by value. */
export function naturalCompareVersions(a: string, b: string): number {
  const pa = a.match(/\d+|[^\d]+/g) ?? [];
  const pb = b.match(/\d+|[^\d]+/g) ?? [];
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i];
    const y = pb[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    const xd = /^\d/.test(x);
    const yd = /^\d/.test(y);
    if (xd && yd) {
      const xs = x.replace(/^0+(?=\d)/, '');
      const ys = y.replace(/^0+(?=\d)/, '');
      if (xs.length !== ys.length) return xs.length - ys.length;
      if (xs !== ys) return xs < ys ? -1 : 1;
    } else if (x !== y) {
      // separators: `.` and `_` are equivalent spellings of a segment boundary
      const xn = x.replace(/_/g, '.');
      const yn = y.replace(/_/g, '.');
      if (xn !== yn) return xn < yn ? -1 : 1;
    }
  }
  return 0;
}

/** What a planned migration will do. */
export type PlannedAction =
  /** Never applied. */
  | 'run'
  /** A previous attempt failed (or died): run again, from scratch for a transactional file, resuming otherwise. */
  | 'retry'
  /** Repeatable migration whose checksum changed since its last run. */
  | 'rerun';

export interface PlannedMigration {
  readonly migration: MigrationFile;
  /** Path for messages (relative to cwd). */
  readonly file: string;
  readonly action: PlannedAction;
  /** The history row of a previous attempt or run. */
  readonly previous?: HistoryRow;
}

export interface Plan {
  /** Versioned migrations to record as `baseline` without running them. */
  readonly baseline: readonly PlannedMigration[];
  /** Migrations to run, in order. */
  readonly run: readonly PlannedMigration[];
  readonly warnings: readonly string[];
}

export interface PlanOptions {
  readonly allowOutOfOrder?: boolean;
  readonly baseline?: string;
  /** Path of a migration for messages. */
  readonly displayPath: (m: MigrationFile) => string;
  /** Version order of the directory's format (default: natural order). */
  readonly compare?: (a: string, b: string) => number;
  /** The history table as SQL names it (`"db_action"."schema_migrations"`), for the SQL in hints. */
  readonly historyTable?: string;
}

const DEFAULT_HISTORY_SQL = '"db_action"."schema_migrations"';

const DONE = new Set(['applied', 'baseline']);

/** Latest applied/baselined versioned migration (undefined when none). */
export function currentVersion(
  rows: readonly Pick<HistoryRow, 'version' | 'repeatable' | 'status'>[],
  compare: (a: string, b: string) => number = naturalCompareVersions,
): string | undefined {
  let best: string | undefined;
  for (const r of rows) {
    if (r.repeatable || !DONE.has(r.status)) continue;
    if (best === undefined || compare(r.version, best) > 0) best = r.version;
  }
  return best;
}

/** Validates the history against the directory and plans the run. Throws DbActionError on a refusal. */
export function planApply(
  migrations: readonly MigrationFile[],
  rows: readonly HistoryRow[],
  options: PlanOptions,
): Plan {
  const compareVersions = options.compare ?? naturalCompareVersions;
  const byKey = new Map(rows.map((r) => [r.key, r]));
  const warnings: string[] = [];

  const historySql = options.historyTable ?? DEFAULT_HISTORY_SQL;

  // 1. Applied migrations must be unchanged (content compared LF-normalised, BOM stripped: the checksum).
  const edited = migrations.filter((m) => {
    const row = byKey.get(historyKey(m));
    return !m.repeatable && row !== undefined && DONE.has(row.status) && row.checksum !== m.checksum;
  });
  if (edited.length > 0) {
    const first = edited[0]!;
    const sums = (m: MigrationFile): string =>
      `checksum applied ${shortSum(byKey.get(historyKey(m))!.checksum)}, file now ${shortSum(m.checksum)}`;
    const more = edited.slice(1).map((m) => options.displayPath(m));
    // `file` is the first one: adapters print it once in front of the message (`file: message`)
    throw new DbActionError(
      `edited after it was applied to this database (${sums(first)})${more.length > 0 ? `; ${more.length} more applied migration${more.length > 1 ? 's were' : ' was'} edited too: ${more.join(', ')}` : ''}`,
      {
        file: options.displayPath(first),
        hint: 'never change an applied migration: restore its applied content (git log -p) and put the change in a new migration',
      },
    );
  }

  // 2. History rows whose file is no longer in the directory (e.g. the pull request was reverted).
  const present = new Set(migrations.map((m) => historyKey(m)));
  for (const row of rows) {
    if (present.has(row.key)) continue;
    const what = `${row.repeatable ? `repeatable migration ${row.name}` : `version ${row.version}`} (${row.file ?? row.name})`;
    const deleteRow = `DELETE FROM ${historySql} WHERE key = ${sqlString(row.key)}`;
    if (row.status === 'failed' && row.statementsDone === 0) {
      // It ran in one transaction that was rolled back, or failed at its first statement: nothing of it is
      // in the database, so its file being gone blocks nothing.
      warnings.push(
        `the history records ${what} as failed, and that file is no longer in the directory; nothing of it was applied (rolled back), so it is ignored: ${deleteRow} removes the row`,
      );
      continue;
    }
    if (row.status === 'failed' || row.status === 'running') {
      const partly =
        row.statementsDone > 0
          ? `partly applied (${row.statementsDone} statement${row.statementsDone > 1 ? 's' : ''} run outside a transaction stay applied)`
          : 'interrupted while it ran outside a transaction (what it ran may stay applied)';
      throw new DbActionError(
        `the history records ${what} as ${row.status}, ${partly}, and that file is no longer in the directory`,
        {
          hint: `restore the file so apply can finish it, or undo or finish what it did by hand and then delete its row: ${deleteRow}`,
        },
      );
    }
    warnings.push(
      `applied migration ${row.repeatable ? row.name : row.version} (${row.file ?? row.name}) is not in the directory any more`,
    );
  }

  // 3. Baseline: versioned migrations <= the baseline version, not yet recorded.
  const baseline: PlannedMigration[] = [];
  if (options.baseline !== undefined) {
    const b = options.baseline;
    assertBaselineVersion(migrations, b, compareVersions);
    for (const m of migrations) {
      if (m.repeatable || compareVersions(m.version, b) > 0 || byKey.has(historyKey(m))) continue;
      baseline.push({ migration: m, file: options.displayPath(m), action: 'run' });
    }
  }
  const baselined = new Set(baseline.map((p) => historyKey(p.migration)));

  // 4. Pending ones, and the out-of-order check against the latest applied version.
  const latest = currentVersion(
    [
      ...rows,
      ...baseline.map((p) => ({ version: p.migration.version, repeatable: false, status: 'baseline' as const })),
    ],
    compareVersions,
  );
  const run: PlannedMigration[] = [];
  const outOfOrder: PlannedMigration[] = [];
  for (const m of migrations) {
    const key = historyKey(m);
    if (baselined.has(key)) continue;
    const row = byKey.get(key);
    const file = options.displayPath(m);
    if (row === undefined) {
      const p: PlannedMigration = { migration: m, file, action: 'run' };
      if (!m.repeatable && latest !== undefined && compareVersions(m.version, latest) < 0) outOfOrder.push(p);
      run.push(p);
    } else if (row.status === 'failed' || row.status === 'running') {
      run.push({ migration: m, file, action: 'retry', previous: row });
    } else if (m.repeatable && row.checksum !== m.checksum) {
      run.push({ migration: m, file, action: 'rerun', previous: row });
    }
  }
  if (outOfOrder.length > 0) {
    const names = outOfOrder.map((p) => p.file).join(', ');
    if (!options.allowOutOfOrder) {
      throw new DbActionError(
        `pending migration${outOfOrder.length > 1 ? 's' : ''} ${names} sort${outOfOrder.length > 1 ? '' : 's'} before the latest applied version ${latest}`,
        {
          file: outOfOrder[0]!.file,
          hint: 'give the migration a version after the latest applied one (rename it), or set allow-out-of-order to apply it anyway',
        },
      );
    }
    warnings.push(`applying out of order (before applied version ${latest}): ${names}`);
  }
  return { baseline, run, warnings };
}

/** The first 12 hex digits of a checksum, enough to tell two apart in a message. */
function shortSum(checksum: string): string {
  return checksum.length > 12 ? `${checksum.slice(0, 12)}…` : checksum;
}

function sqlString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** Digits of a version only (`2024-01-03` → `20240103`, `v3` → `3`). */
function digitsOf(version: string): string {
  return version.replace(/\D/g, '');
}

function commonPrefix(a: string, b: string): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}

/**
 * Up to three versions of `versions` (sorted) nearest to `wanted`: the longest run of leading digits in
 * common (so `20240105` finds `20240105000000`, `2024-01-03` finds `20240103…`, `v3` finds `3`), else
 * the neighbours of `wanted` in version order.
 */
export function closestVersions(
  versions: readonly string[],
  wanted: string,
  compare: (a: string, b: string) => number,
): string[] {
  const target = digitsOf(wanted) || wanted;
  let best = 0;
  for (const v of versions) best = Math.max(best, commonPrefix(digitsOf(v) || v, target));
  const numeric = (v: string): number => Math.abs(Number(digitsOf(v).slice(0, 15) || 0) - Number(target.slice(0, 15)));
  if (best > 0) {
    const near = versions.filter((v) => commonPrefix(digitsOf(v) || v, target) === best);
    // closest by value among those sharing the most leading digits (the same length first)
    return [...near]
      .sort((a, b) => {
        const la = Math.abs(digitsOf(a).length - target.length);
        const lb = Math.abs(digitsOf(b).length - target.length);
        return la - lb || numeric(a) - numeric(b) || compare(a, b);
      })
      .slice(0, 3)
      .sort(compare);
  }
  const after = versions.findIndex((v) => compare(v, wanted) > 0);
  const at = after < 0 ? versions.length : after;
  return versions.slice(Math.max(0, at - 1), at + 1);
}

/**
 * Throws an ApplyConfigurationError unless `baseline` is the version of a versioned migration of the
 * directory (equal in the format's own version order, e.g. `1` = `001` for plain files). A version in
 * between, or in another spelling, would baseline an arbitrary set of migrations.
 */
export function assertBaselineVersion(
  migrations: readonly MigrationFile[],
  baseline: string,
  compare: (a: string, b: string) => number = naturalCompareVersions,
): void {
  const versions = migrations.filter((m) => !m.repeatable).map((m) => m.version);
  if (versions.some((v) => v === baseline || compare(v, baseline) === 0)) return;
  const range =
    versions.length === 0
      ? 'the directory has no versioned migrations'
      : `the directory has ${versions.length} versioned migration${versions.length > 1 ? 's' : ''}, ${versions[0]}${versions.length > 1 ? ` … ${versions[versions.length - 1]}` : ''}`;
  const closest = versions.length === 0 ? [] : closestVersions(versions, baseline, compare);
  throw new ApplyConfigurationError(
    `baseline version "${baseline}" is not the version of a migration in the directory (${range}${closest.length > 0 ? `; closest: ${closest.join(', ')}` : ''}); nothing was recorded or run`,
    {
      hint: `baseline takes the exact version of the last migration this database already has, e.g. ${closest[closest.length - 1] ?? versions[versions.length - 1] ?? '<version>'}; every migration up to and including it is recorded as applied without running, and the later ones are applied in the same run (db-action status lists the versions)`,
    },
  );
}
