/** Parsing a migration file for the lint engine, with errors naming the file the way findings do. */
import type { MigrationFile } from '../migrations/types.js';
import { parseMigration } from '../sql/index.js';
import type { ParsedMigration } from '../sql/types.js';

/** Statements of the file's up part; `displayPath` (repo-relative) is used in parse errors. */
export function parseMigrationFile(file: MigrationFile, displayPath?: string): Promise<ParsedMigration> {
  return parseMigration({ upSql: file.upSql, upStartLine: file.upStartLine, relPath: displayPath ?? file.relPath });
}
