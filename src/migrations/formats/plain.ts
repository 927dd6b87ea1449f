import { compareBytes } from '../snapshot.js';
import { compareIntegers } from '../versions.js';
import { isDownOrUndoFile, isSqlFile, unmatchedSqlFile } from './common.js';
import type { FormatLoader, MigrationCandidate } from './types.js';

const NUMBERED = /^(\d+)(?:_(.*))?\.sql$/;

/** Plain numbered files `<version>_<name>.sql`, in integer version order (`9_x` before `10_y`). */
export const plainLoader: FormatLoader = {
  format: 'plain',
  layout: '`<version>_<name>.sql` with a numeric version',
  async collect(snap) {
    const found: MigrationCandidate[] = [];
    for (const file of await snap.files()) {
      if (!isSqlFile(file)) continue;
      const m = NUMBERED.exec(file);
      if (!m) {
        if (isDownOrUndoFile(file)) continue;
        throw unmatchedSqlFile(snap, file, this);
      }
      if (/\.down\.sql$/.test(file)) continue;
      found.push({ version: m[1]!, name: m[2] ?? '', relPath: file, repeatable: false, transaction: 'auto' });
    }
    return found;
  },
  order: (a, b) => compareIntegers(a.version, b.version) || compareBytes(a.relPath, b.relPath),
};

/**
 * Atlas's own format: every `*.sql` file at the top, in file-name order (byte-wise, as Atlas sorts);
 * version = the name up to the first `_` (Atlas's `Version()`), name = the rest.
 */
export const atlasLoader: FormatLoader = {
  format: 'atlas',
  layout: '`<version>_<name>.sql`',
  async collect(snap) {
    const found: MigrationCandidate[] = [];
    for (const file of await snap.files()) {
      if (!isSqlFile(file)) continue;
      if (!file.endsWith('.sql')) throw unmatchedSqlFile(snap, file, this, ' (Atlas reads only lower-case `.sql`)');
      const base = file.slice(0, -'.sql'.length);
      const i = base.indexOf('_');
      found.push({
        version: i < 0 ? base : base.slice(0, i),
        name: i < 0 ? '' : base.slice(i + 1),
        relPath: file,
        repeatable: false,
        transaction: 'auto',
      });
    }
    return found;
  },
  order: (a, b) => compareBytes(a.relPath, b.relPath),
};
