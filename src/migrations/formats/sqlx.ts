import { compareBytes } from '../snapshot.js';
import { compareIntegers } from '../versions.js';
import { isDownOrUndoFile, isSqlFile, unmatchedSqlFile } from './common.js';
import type { FormatLoader, MigrationCandidate } from './types.js';

const SQLX = /^(\d+)_(.*?)(\.up|\.down)?\.sql$/;

/** First line of a sqlx migration that must not run in a transaction. */
export const SQLX_NO_TRANSACTION = '-- no-transaction';

/**
 * sqlx: reversible `<version>_<name>.up.sql` (+ `.down.sql`, ignored) or simple `<version>_<name>.sql`,
 * integer version order; a file starting with `-- no-transaction` runs outside a transaction.
 */
export const sqlxLoader: FormatLoader = {
  format: 'sqlx',
  layout: '`<version>_<name>.up.sql` or `<version>_<name>.sql`',
  async collect(snap) {
    const found: MigrationCandidate[] = [];
    for (const file of await snap.files()) {
      if (!isSqlFile(file)) continue;
      const m = SQLX.exec(file);
      if (!m) {
        if (isDownOrUndoFile(file)) continue;
        throw unmatchedSqlFile(snap, file, this);
      }
      if (m[3] === '.down') continue;
      found.push({ version: m[1]!, name: m[2]!, relPath: file, repeatable: false, transaction: 'auto' });
    }
    return found;
  },
  order: (a, b) => compareIntegers(a.version, b.version) || compareBytes(a.relPath, b.relPath),
  upSection: (content) => ({
    upSql: content,
    upStartLine: 1,
    transaction: content.startsWith(SQLX_NO_TRANSACTION) ? 'none' : 'auto',
  }),
};
