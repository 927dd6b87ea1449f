/**
 * Validation and planning, pure: the directory and the history rows in, what to baseline and what to
 * run out, or a DbActionError before anything runs (edited applied migration, out-of-order version).
 */
import { DbActionError } from '../errors.js';
import type { MigrationFile } from '../migrations/types.js';
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
}

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

  // 1. Applied migrations must be unchanged (content compared LF-normalised, BOM stripped: the checksum).
  const edited = migrations.filter((m) => {
    const row = byKey.get(historyKey(m));
    return !m.repeatable && row !== undefined && DONE.has(row.status) && row.checksum !== m.checksum;
  });
  if (edited.length > 0) {
    const first = edited[0]!;
    const names = edited.map((m) => options.displayPath(m));
    throw new DbActionError(
      `${names.length === 1 ? 'migration' : `${names.length} migrations`} already applied to this database ${names.length === 1 ? 'was' : 'were'} edited since: ${names.join(', ')}`,
      {
        file: options.displayPath(first),
        hint: 'never change an applied migration: restore its applied content (git log -p) and put the change in a new migration',
      },
    );
  }

  // 2. Applied versions that are no longer in the directory.
  const present = new Set(migrations.map((m) => historyKey(m)));
  for (const row of rows) {
    if (present.has(row.key)) continue;
    if (row.status === 'failed' || row.status === 'running') {
      throw new DbActionError(
        `the history records ${row.repeatable ? `repeatable migration ${row.name}` : `version ${row.version}`} (${row.file ?? row.name}) as ${row.status}, and that file is no longer in the directory`,
        {
          hint: `restore the file so apply can finish it, or repair the database by hand and then delete its row: DELETE FROM <history table> WHERE key = '${row.key}'`,
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
    if (!migrations.some((m) => !m.repeatable && compareVersions(m.version, b) === 0)) {
      warnings.push(`baseline version ${b} is not a migration in the directory; baselining every version below it`);
    }
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
