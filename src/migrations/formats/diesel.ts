import { DbActionError } from '../../errors.js';
import type { DirSnapshot } from '../snapshot.js';
import { compareBytes } from '../snapshot.js';
import type { TransactionMode } from '../types.js';
import { afterFirstUnderscore, isDownOrUndoFile, isSqlFile, unmatchedSqlFile } from './common.js';
import type { FormatLoader, MigrationCandidate } from './types.js';

/** Diesel's up file inside each migration folder. */
export const DIESEL_FILE = 'up.sql';
const METADATA = 'metadata.toml';

/** Diesel's version of a folder: the text before the first `_`, with `-` removed (`2017-08-31-230457_x` => `20170831230457`). */
export function dieselVersion(dirName: string): string {
  const i = dirName.indexOf('_');
  return (i < 0 ? dirName : dirName.slice(0, i)).replace(/-/g, '');
}

/**
 * Diesel: `<version>_<name>/up.sql` folders (+ `down.sql`, `metadata.toml`), ordered by version string;
 * `run_in_transaction = false` in `metadata.toml` runs the file outside a transaction.
 */
export const dieselLoader: FormatLoader = {
  format: 'diesel',
  layout: '`<version>_<name>/up.sql`',
  async collect(snap) {
    for (const file of await snap.files()) {
      if (isSqlFile(file) && !isDownOrUndoFile(file)) throw unmatchedSqlFile(snap, file, this);
    }
    const found: MigrationCandidate[] = [];
    for (const dir of await snap.dirs()) {
      let hasUp = false;
      let hasMetadata = false;
      for (const file of await snap.files(dir)) {
        if (file === DIESEL_FILE) hasUp = true;
        else if (file === METADATA) hasMetadata = true;
        else if (isSqlFile(file) && !isDownOrUndoFile(file)) throw unmatchedSqlFile(snap, `${dir}/${file}`, this);
      }
      if (!hasUp) {
        throw new DbActionError(`Diesel migration folder has no ${DIESEL_FILE}`, {
          file: snap.display(dir),
          hint: `add ${DIESEL_FILE} or remove the folder (diesel refuses it too)`,
        });
      }
      found.push({
        version: dieselVersion(dir),
        name: afterFirstUnderscore(dir),
        relPath: `${dir}/${DIESEL_FILE}`,
        repeatable: false,
        transaction: hasMetadata ? await transactionFromMetadata(snap, `${dir}/${METADATA}`) : 'auto',
      });
    }
    return found;
  },
  order: (a, b) => compareBytes(a.version, b.version) || compareBytes(a.relPath, b.relPath),
};

/** Reads `run_in_transaction` from a diesel `metadata.toml` (a TOML boolean at the top level). */
async function transactionFromMetadata(snap: DirSnapshot, relPath: string): Promise<TransactionMode> {
  const { text } = await snap.read(relPath);
  const lines = text.split(/\r\n?|\n/);
  let table = '';
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.replace(/#.*$/, '').trim();
    if (line.startsWith('[')) table = line;
    const m = /^run_in_transaction\s*=\s*(.*)$/.exec(line);
    if (!m || table !== '') continue;
    if (m[1] === 'false') return 'none';
    if (m[1] === 'true') return 'auto';
    throw new DbActionError(`run_in_transaction must be true or false, not ${m[1]}`, {
      file: snap.display(relPath),
      line: i + 1,
    });
  }
  return 'auto';
}
