import { DbActionError } from '../../errors.js';
import { compareBytes } from '../snapshot.js';
import { afterFirstUnderscore, isDownOrUndoFile, isSqlFile, unmatchedSqlFile } from './common.js';
import type { FormatLoader, MigrationCandidate } from './types.js';

/** Prisma's migration file inside each migration folder. */
export const PRISMA_FILE = 'migration.sql';

/**
 * Prisma Migrate: `<timestamp>_<name>/migration.sql` folders (plus `migration_lock.toml` at the top),
 * in folder-name order. The version is the whole folder name: that is what Prisma records in
 * `_prisma_migrations.migration_name` and sorts by.
 */
export const prismaLoader: FormatLoader = {
  format: 'prisma',
  layout: '`<timestamp>_<name>/migration.sql`',
  async collect(snap) {
    for (const file of await snap.files()) {
      if (isSqlFile(file) && !isDownOrUndoFile(file)) throw unmatchedSqlFile(snap, file, this);
    }
    const found: MigrationCandidate[] = [];
    for (const dir of await snap.dirs()) {
      let hasMigration = false;
      for (const file of await snap.files(dir)) {
        if (file === PRISMA_FILE) hasMigration = true;
        else if (isSqlFile(file) && !isDownOrUndoFile(file)) throw unmatchedSqlFile(snap, `${dir}/${file}`, this);
      }
      if (!hasMigration) {
        throw new DbActionError(`Prisma migration folder has no ${PRISMA_FILE}`, {
          file: snap.display(dir),
          hint: `add ${PRISMA_FILE} or remove the folder (Prisma refuses it too)`,
        });
      }
      found.push({
        version: dir,
        name: afterFirstUnderscore(dir),
        relPath: `${dir}/${PRISMA_FILE}`,
        repeatable: false,
        transaction: 'auto',
      });
    }
    return found;
  },
  order: (a, b) => compareBytes(a.version, b.version),
};
