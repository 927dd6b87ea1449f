/**
 * The apply contract: options in, typed readonly results out (kysely migrator style). `apply()` and
 * `status()` never throw for problems a user can fix: they return them in `error` (a DbActionError
 * with file/line/hint), next to the per-migration results gathered so far.
 */
import type { Logger } from '../logger.js';
import type { DirFormat, MigrationDirectory } from '../migrations/types.js';

/** Where the migrations and the database are. */
export interface TargetOptions {
  /** Connection string of the target database. Secret: never logged, scrubbed from every message. */
  readonly databaseUrl: string;
  /** Migration directory (absolute or relative to `cwd`); ignored when `directory` is given. */
  readonly dir?: string;
  /** Directory layout; default auto-detect. */
  readonly format?: DirFormat | 'auto';
  /** An already loaded directory (takes precedence over `dir`). */
  readonly directory?: MigrationDirectory;
  /** History table, `schema.table` (default `db_action.schema_migrations`). */
  readonly historyTable?: string;
  /** File paths in results and errors are shown relative to this (default `process.cwd()`); the action passes GITHUB_WORKSPACE. */
  readonly cwd?: string;
  readonly logger: Logger;
}

export interface ApplyOptions extends TargetOptions {
  /** Plan only: write nothing, not even the history schema/table. Default false. */
  readonly dryRun?: boolean;
  /** Run every pending transactional migration in one transaction and roll it back; non-transactional ones are skipped. Not with `dryRun`. */
  readonly verify?: boolean;
  /**
   * Record every migration whose version is <= this as applied (status `baseline`) without running it,
   * then apply the later ones in the same run. Must be the version of a migration in the directory
   * (else an ApplyConfigurationError, before connecting).
   */
  readonly baseline?: string;
  /** Apply pending migrations whose version sorts before an applied one instead of refusing. Default false. */
  readonly allowOutOfOrder?: boolean;
  /** `lock_timeout` for migration statements in ms (0 = wait forever). Default 5000. */
  readonly lockTimeoutMs?: number;
  /** `statement_timeout` for migration statements in ms (0 = none). Default 0. */
  readonly statementTimeoutMs?: number;
  /** Tries in all when a migration hits `lock_timeout` (SQLSTATE 55P03). Default 3. */
  readonly lockRetries?: number;
  /** First backoff between lock-timeout retries in ms, doubled each retry. Default 1000. */
  readonly lockRetryDelayMs?: number;
  /** How long to wait for the advisory lock held by another apply, in ms (0 = fail at once). Default 300000. */
  readonly lockWaitMs?: number;
  /** Cancels the run: the running query is cancelled, the failure recorded, the lock released. */
  readonly signal?: AbortSignal;
  /** `application_name` of the connections (default `db-action apply`). */
  readonly applicationName?: string;
}

export type StatusOptions = TargetOptions;

/** What happened to one migration in an apply run. */
export type MigrationRunStatus =
  /** Ran and committed by this run. */
  | 'applied'
  /** Recorded as applied without running (baseline). */
  | 'baseline'
  /** Would run (dry-run), or did not get to run because an earlier one failed. */
  | 'pending'
  /** Ran and rolled back (verify). */
  | 'verified'
  /** Not run: verify skips non-transactional files. */
  | 'skipped'
  /** Ran and failed (or was cancelled). */
  | 'failed';

export interface MigrationRunResult {
  readonly version: string;
  readonly name: string;
  /** Path as the user names it (relative to `cwd`), `/`-separated. */
  readonly file: string;
  readonly repeatable: boolean;
  /** False when the file runs statement by statement in autocommit. */
  readonly transactional: boolean;
  readonly status: MigrationRunStatus;
  /** Wall time of this run's execution (absent when not run). */
  readonly durationMs?: number;
  /** Non-transactional resume: index of the first statement run by this run (> 0 when resumed). */
  readonly resumedFrom?: number;
  /** Lock-timeout retries needed (0 = first try). */
  readonly retries?: number;
  /** The failure, formatted (`file:line: message`), no secrets. */
  readonly error?: string;
}

export interface ApplyResult {
  /** True when every planned migration ran (or, in dry-run/verify, would run) and nothing failed. */
  readonly ok: boolean;
  /** The user-fixable problem (DbActionError) or a bug; absent when `ok`. No secrets in its message. */
  readonly error?: Error;
  /** Every migration this run planned, in order, with what happened to it. Already applied ones are not listed. */
  readonly migrations: readonly MigrationRunResult[];
  /** Migrations applied by this run (0 on dry-run and verify). */
  readonly appliedCount: number;
  /** Migrations still pending after this run (on dry-run/verify: the number that would be applied). */
  readonly pendingCount: number;
  /** Version of the latest applied versioned migration after this run (undefined when none). */
  readonly currentVersion?: string;
  readonly dryRun: boolean;
  readonly verify: boolean;
  /** Warnings raised (also logged): applied migrations missing from the directory, out-of-order allowed, … */
  readonly warnings: readonly string[];
  /** Wall time of the whole run in ms. */
  readonly durationMs: number;
}

/** State of one migration as `status` sees it. */
export type MigrationState =
  | 'applied'
  | 'baseline'
  | 'pending'
  | 'failed'
  /** A non-transactional migration that was interrupted (its process died): a rerun resumes it. */
  | 'running'
  /** Applied, but the file changed since. */
  | 'checksum-mismatch'
  /** Repeatable migration whose checksum changed: will re-run. */
  | 'outdated'
  /** In the history table but not in the directory. */
  | 'missing-file';

export interface MigrationStatusEntry {
  readonly version: string;
  readonly name: string;
  /** Path relative to `cwd`; absent for `missing-file`. */
  readonly file?: string;
  readonly repeatable: boolean;
  readonly state: MigrationState;
  readonly appliedAt?: Date;
  readonly executionMs?: number;
  readonly appliedBy?: string;
  /** Recorded error of a failed migration. */
  readonly error?: string;
  /** Non-transactional progress: statements done. */
  readonly statementsDone?: number;
}

export interface StatusResult {
  readonly ok: boolean;
  readonly error?: Error;
  /** Directory migrations in apply order, then history rows whose file is missing. */
  readonly migrations: readonly MigrationStatusEntry[];
  /** Whether the history table exists yet. */
  readonly historyExists: boolean;
  /**
   * Why `apply` would refuse to run against this history (formatted, with its hint), e.g. an applied
   * migration that was edited or a partly applied one whose file is gone; absent when it would run.
   */
  readonly applyWouldRefuse?: string;
  /** What apply would warn about (e.g. history rows whose file is gone but that block nothing). */
  readonly warnings: readonly string[];
  readonly appliedCount: number;
  readonly pendingCount: number;
  readonly currentVersion?: string;
}
