import { compareBytes } from '../snapshot.js';
import { compareIntegers } from '../versions.js';
import { isDownOrUndoFile, isSqlFile, unmatchedSqlFile } from './common.js';
import type { FormatLoader, MigrationCandidate } from './types.js';

const UP_DOWN = /^(\d+)_(.*)\.(up|down)\.sql$/;

/** golang-migrate: `<version>_<name>.up.sql` (+ `.down.sql`, ignored), integer version order. */
export const golangMigrateLoader: FormatLoader = {
  format: 'golang-migrate',
  layout: '`<version>_<name>.up.sql`',
  async collect(snap) {
    const found: MigrationCandidate[] = [];
    for (const file of await snap.files()) {
      if (!isSqlFile(file)) continue;
      const m = UP_DOWN.exec(file);
      if (!m) {
        if (isDownOrUndoFile(file)) continue;
        const hint = /^\d+_.*\.sql$/.test(file)
          ? '; if this is a sqlx directory (which allows `<version>_<name>.sql`), set `dir-format: sqlx`'
          : '';
        throw unmatchedSqlFile(snap, file, this, hint);
      }
      if (m[3] === 'down') continue;
      found.push({ version: m[1]!, name: m[2]!, relPath: file, repeatable: false, transaction: 'auto' });
    }
    return found;
  },
  order: (a, b) => compareIntegers(a.version, b.version) || compareBytes(a.relPath, b.relPath),
};
