/**
 * The directory model: what a migration directory holds, in the order its tool applies it.
 * Contract shared by lint and apply; implemented in src/migrations/.
 */

/** Supported layouts. `plain` = numbered `<version>_<name>.sql` files (also Atlas without .up/.down). */
export type DirFormat = 'plain' | 'atlas' | 'golang-migrate' | 'sqlx' | 'flyway' | 'dbmate' | 'prisma' | 'diesel';

export const DIR_FORMATS: readonly DirFormat[] = [
  'plain',
  'atlas',
  'golang-migrate',
  'sqlx',
  'flyway',
  'dbmate',
  'prisma',
  'diesel',
];

/** Whether a file runs in one transaction: from format metadata (dbmate `transaction:false`, diesel
 * `run_in_transaction = false`) or a file-level directive; `auto` = decide from its statements. */
export type TransactionMode = 'auto' | 'none';

export interface MigrationFile {
  /** Version as the tool spells it for ordering and history (e.g. `20240101120000`, flyway `1.2`; repeatable flyway: `R`). */
  readonly version: string;
  /** Human description (`add_users`). */
  readonly name: string;
  /** Path relative to the migration directory, `/`-separated (`20240101_x/migration.sql`). */
  readonly relPath: string;
  /** Absolute path on disk. */
  readonly absPath: string;
  /** Whole file text as read (UTF-8, BOM stripped, line endings untouched). */
  readonly content: string;
  /** The part that runs "up" (the whole file, or dbmate's `-- migrate:up` section). */
  readonly upSql: string;
  /** 1-based line in the file at which `upSql` starts (1 unless a dbmate section). */
  readonly upStartLine: number;
  /** SHA-256 hex of the content with CRLF/CR normalised to LF and the BOM stripped. */
  readonly checksum: string;
  /** `none` when the format's metadata says it must not run in a transaction. */
  readonly transaction: TransactionMode;
  /** Flyway `R__` files: run after all versioned ones, re-run when their checksum changes. */
  readonly repeatable: boolean;
}

export interface AtlasSumResult {
  /** Whether atlas.sum matched the directory byte for byte. */
  readonly ok: boolean;
  /** Problems, each naming the file ("atlas.sum: checksum mismatch for 2024_x.up.sql"). */
  readonly problems: readonly string[];
}

export interface MigrationDirectory {
  /** Absolute directory path. */
  readonly dir: string;
  readonly format: DirFormat;
  /** Migrations in apply order (versioned ascending, then repeatable). */
  readonly migrations: readonly MigrationFile[];
  /** Present when the directory has an atlas.sum. */
  readonly atlasSum?: AtlasSumResult;
}

export interface LoadDirectoryOptions {
  /** Force a format instead of auto-detecting. */
  readonly format?: DirFormat | 'auto';
  /**
   * Paths (relative to the directory, `/`-separated) to leave out entirely, e.g. a seed file that is not a
   * migration. `*` matches within one path segment, `**` across segments. Without this, a `.sql` file
   * that fits no migration pattern of the format is an error.
   */
  readonly ignore?: readonly string[];
}
