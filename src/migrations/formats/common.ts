import { DbActionError } from '../../errors.js';
import type { DirSnapshot } from '../snapshot.js';
import type { FormatLoader } from './types.js';

/** Any file that looks like SQL (any case of `.sql`). */
export function isSqlFile(name: string): boolean {
  return /\.sql$/i.test(name);
}

/** Files that are clearly the reverse of a migration, never run "up": `x.down.sql`, `down.sql`, Flyway `U1__x.sql`. */
export function isDownOrUndoFile(name: string): boolean {
  return /(^|[._])down\.sql$/i.test(name) || /^U\d+([._]\d+)*__.*\.sql$/.test(name);
}

/**
 * The error for a `.sql` file that the format would silently skip. Users want to know: a misnamed
 * migration that never runs is a production incident waiting to happen.
 */
export function unmatchedSqlFile(
  snap: DirSnapshot,
  relPath: string,
  loader: Pick<FormatLoader, 'format' | 'layout'>,
  extraHint = '',
): DbActionError {
  return new DbActionError(
    `not a ${loader.format} migration file name (expected ${loader.layout}); the file would never run`,
    {
      file: snap.display(relPath),
      hint: `rename it to match ${loader.layout} or move it out of the migration directory${extraHint}`,
    },
  );
}

/** Name part after the first `_` (the whole string when there is none). */
export function afterFirstUnderscore(s: string): string {
  const i = s.indexOf('_');
  return i < 0 ? '' : s.slice(i + 1);
}
