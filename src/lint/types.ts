/**
 * The finding model (the JSON contract of `db-action lint --format json`, see ARCHITECTURE.md)
 * and the report the lint engine returns to the reporters.
 */

export type Category =
  | 'destructive'
  | 'backward-incompatible'
  | 'table-rewrite'
  | 'blocking-lock'
  | 'data-dependent'
  | 'apply-error'
  | 'history-modified'
  | 'out-of-order';

export const CATEGORIES: readonly Category[] = [
  'destructive',
  'backward-incompatible',
  'table-rewrite',
  'blocking-lock',
  'data-dependent',
  'apply-error',
  'history-modified',
  'out-of-order',
];

export type Severity = 'error' | 'warning' | 'notice';

/** Categories that fail the check by default. */
export const DEFAULT_FAIL_ON: readonly Category[] = ['destructive', 'apply-error', 'history-modified'];

export interface Finding {
  /** Repo-relative path (`/`-separated). */
  readonly file: string;
  /** 1-based first line of the statement. */
  readonly line: number;
  /** 1-based last line of the statement. */
  readonly endLine: number;
  /** Rule id, e.g. `drop-table`. */
  readonly rule: string;
  readonly category: Category;
  readonly severity: Severity;
  /** One sentence saying what happens, naming the object. */
  readonly message: string;
  /** The safe alternative. */
  readonly suggestion?: string;
  /** Evidence observed on the dev database (locks taken, relfilenode change, dropped objects). */
  readonly evidence?: readonly string[];
}

/** A lock our backend held on an existing relation when the statement finished (before commit). */
export interface ObservedLock {
  readonly relation: string;
  readonly mode: string;
  /**
   * The file's transaction already held it when the statement ran (taken by an earlier statement of the same file,
   * held until COMMIT): shown with the statement, not credited to it.
   */
  readonly earlier?: boolean;
}

export interface StatementReport {
  readonly index: number;
  readonly line: number;
  readonly endLine: number;
  /** First 200 characters of the statement. */
  readonly sql: string;
  readonly kind: string;
  readonly durationMs: number;
  readonly locks: readonly ObservedLock[];
  /** Existing tables whose relfilenode changed. */
  readonly rewritten: readonly string[];
  /** Whether the statement ran inside a transaction (false: CONCURRENTLY, VACUUM, …). */
  readonly transactional: boolean;
  readonly error?: string;
  /** Why the statement was not traced (e.g. an explicit BEGIN/COMMIT written in the file: the tracer manages transactions). */
  readonly note?: string;
}

export interface FileReport {
  /** Repo-relative path. */
  readonly file: string;
  readonly version: string;
  /** `new` files were traced statement by statement; `base` files were only replayed. */
  readonly status: 'new' | 'base';
  readonly statements: readonly StatementReport[];
  readonly durationMs: number;
  readonly findings: readonly Finding[];
  /** Set when the file was not (fully) traced, e.g. an earlier migration failed to apply. */
  readonly note?: string;
}

export interface LintReport {
  readonly findings: readonly Finding[];
  /** New files only, in apply order. */
  readonly files: readonly FileReport[];
  readonly baseCount: number;
  readonly newCount: number;
  readonly format: string;
  readonly dir: string;
  readonly devDatabase: { readonly provider: string; readonly serverVersionNum: number; readonly startupMs: number };
  readonly durationMs: number;
  /** Whether the fail-on threshold was crossed. */
  readonly failed: boolean;
  readonly failOn: readonly (Category | Severity)[];
}

/** What `lint()` takes (src/lint/index.ts). */
export interface LintOptions {
  /** Migration directory (absolute or relative to `cwd`). */
  readonly dir: string;
  readonly format?: import('../migrations/types.js').DirFormat | 'auto';
  /** Working directory; paths in findings are relative to the git top level containing `dir` (else to cwd). */
  readonly cwd?: string;
  /** Git ref: files added or modified since the merge base with it are "new". */
  readonly base?: string;
  /** The last N migrations are "new" (when no base is given). */
  readonly latest?: number;
  /** Explicit dev server URL; otherwise a dev database is started (see src/devdb). */
  readonly devUrl?: string;
  readonly devProvider?: import('../devdb/types.js').DevDbProviderName | 'auto';
  readonly postgresVersion?: string;
  /** Categories or severities that fail the check; default DEFAULT_FAIL_ON. */
  readonly failOn?: readonly (Category | Severity)[];
  /** Per rule id or category: a new severity, or `off`. */
  readonly severities?: Readonly<Record<string, Severity | 'off'>>;
  readonly logger: import('../logger.js').Logger;
  readonly signal?: AbortSignal;
  /**
   * SQL run on the fresh dev database before any migration (then the session reconnects, so
   * `ALTER DATABASE … SET` takes effect). For dbmate's measure corpus:
   * `CREATE SCHEMA measure; DO $$ BEGIN EXECUTE format('ALTER DATABASE %I SET search_path TO measure, "$user", public', current_database()); END $$`
   */
  readonly prelude?: string;
  /** Rules to run instead of the built-in `allRules` (tests, custom rule sets). */
  readonly rules?: readonly import('./rule.js').Rule[];
}
