import { DbActionError } from '../../errors.js';
import type { DirSnapshot } from '../snapshot.js';
import { compareBytes } from '../snapshot.js';
import { compareFlywayVersions } from '../versions.js';
import type { TransactionMode } from '../types.js';
import { isDownOrUndoFile, isSqlFile, unmatchedSqlFile } from './common.js';
import type { FormatLoader, MigrationCandidate } from './types.js';

/** `V1__x.sql`, `V1.2__x.sql`, `V1_2__x.sql`. */
export const FLYWAY_VERSIONED = /^V(\d+(?:[._]\d+)*)__(.*)\.sql$/;
/** `R__x.sql`. */
export const FLYWAY_REPEATABLE = /^R__(.*)\.sql$/;
/** `U1__x.sql` (undo; never run up). */
export const FLYWAY_UNDO = /^U(\d+(?:[._]\d+)*)__(.*)\.sql$/;

/** Sub-directory depth scanned before giving up (symlink loops). */
const MAX_DEPTH = 32;

/** Flyway sorts repeatable migrations by description, where `_` reads as a space. */
function description(name: string): string {
  return name.replace(/_/g, ' ');
}

/**
 * Flyway: versioned `V<version>__<desc>.sql` by numeric version parts (V9 < V10, V1.1 < V1.10), then
 * repeatable `R__<desc>.sql` by description (version `R`). Sub-directories are scanned, as Flyway does;
 * `U` undo files and non-SQL files are ignored; `<file>.sql.conf` with `executeInTransaction=false`
 * marks a file that must not run in a transaction.
 */
export const flywayLoader: FormatLoader = {
  format: 'flyway',
  layout: '`V<version>__<description>.sql` or `R__<description>.sql`',
  async collect(snap) {
    const found: MigrationCandidate[] = [];
    const walk = async (relDir: string, depth: number): Promise<void> => {
      if (depth > MAX_DEPTH) {
        throw new DbActionError(`migration folders nest deeper than ${MAX_DEPTH} levels (a symlink loop?)`, {
          file: snap.display(relDir),
        });
      }
      for (const entry of await snap.list(relDir)) {
        const relPath = relDir === '' ? entry.name : `${relDir}/${entry.name}`;
        if (entry.kind === 'dir') {
          await walk(relPath, depth + 1);
          continue;
        }
        if (entry.kind !== 'file' || !isSqlFile(entry.name)) continue;
        const v = FLYWAY_VERSIONED.exec(entry.name);
        const r = v ? null : FLYWAY_REPEATABLE.exec(entry.name);
        if (!v && !r) {
          if (isDownOrUndoFile(entry.name)) continue;
          throw unmatchedSqlFile(snap, relPath, this);
        }
        const transaction = await transactionFromConf(snap, relDir, entry.name);
        if (v) found.push({ version: v[1]!.replace(/_/g, '.'), name: v[2]!, relPath, repeatable: false, transaction });
        else found.push({ version: 'R', name: r![1]!, relPath, repeatable: true, transaction });
      }
    };
    await walk('', 0);
    return found;
  },
  order(a, b) {
    if (a.repeatable !== b.repeatable) return a.repeatable ? 1 : -1;
    if (a.repeatable)
      return compareBytes(description(a.name), description(b.name)) || compareBytes(a.relPath, b.relPath);
    return compareFlywayVersions(a.version, b.version) || compareBytes(a.relPath, b.relPath);
  },
};

/** Flyway's per-script configuration `<script>.conf`: `executeInTransaction=false` => `none`. */
async function transactionFromConf(snap: DirSnapshot, relDir: string, file: string): Promise<TransactionMode> {
  if (!(await snap.hasFile(relDir, `${file}.conf`))) return 'auto';
  const confPath = relDir === '' ? `${file}.conf` : `${relDir}/${file}.conf`;
  const { text } = await snap.read(confPath);
  const lines = text.split(/\r\n?|\n/);
  for (let i = 0; i < lines.length; i++) {
    const m = /^\s*executeInTransaction\s*=\s*(.*?)\s*$/.exec(lines[i]!);
    if (!m) continue;
    if (m[1] === 'false') return 'none';
    if (m[1] === 'true') return 'auto';
    throw new DbActionError(`executeInTransaction must be true or false, not "${m[1]}"`, {
      file: snap.display(confPath),
      line: i + 1,
    });
  }
  return 'auto';
}
