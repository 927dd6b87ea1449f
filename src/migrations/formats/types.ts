import type { DirFormat, TransactionMode } from '../types.js';
import type { DirSnapshot } from '../snapshot.js';

/** A migration found by a format's layout rules, before its file is read. */
export interface MigrationCandidate {
  readonly version: string;
  readonly name: string;
  /** `/`-separated, relative to the migration directory. */
  readonly relPath: string;
  readonly repeatable: boolean;
  /** From metadata beside the file (diesel `metadata.toml`, flyway `.sql.conf`); `auto` when there is none. */
  readonly transaction: TransactionMode;
}

/** The part of a file that runs "up". */
export interface UpSection {
  readonly upSql: string;
  /** 1-based line of the file at which `upSql` starts. */
  readonly upStartLine: number;
  readonly transaction: TransactionMode;
}

/** Everything format-specific: which files are migrations, their order, and their up part. */
export interface FormatLoader {
  readonly format: DirFormat;
  /** The expected layout in words, for messages (`<version>_<name>.up.sql`). */
  readonly layout: string;
  /** The migrations of this layout; a `.sql` file that fits no pattern (and is no down/undo file) is a `DbActionError`. */
  collect(snap: DirSnapshot): Promise<MigrationCandidate[]>;
  /** Apply order. */
  order(a: MigrationCandidate, b: MigrationCandidate): number;
  /** The up part of a file's content (BOM already stripped); the whole file when absent. */
  upSection?(content: string, candidate: MigrationCandidate, displayPath: string): UpSection;
}
