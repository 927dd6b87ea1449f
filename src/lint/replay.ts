/**
 * The dev database session the lint engine works in, and the fast replay of base migrations:
 * one simple-query round trip per file over one connection (like `psql -f` in one session), falling
 * back to one statement at a time for files that cannot run in one transaction block.
 */
import type pg from 'pg';

import { connect } from '../db/client.js';
import { DbActionError, isDbActionError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { MigrationFile } from '../migrations/types.js';
import type { ParsedMigration, Statement } from '../sql/types.js';
import { parseMigrationFile } from './parse.js';

/**
 * Settings that change verdicts or outcomes, pinned for every session (and re-pinned after a base
 * file that changes session settings itself). `search_path TO DEFAULT` keeps the database's own
 * default (e.g. one a prelude set with ALTER DATABASE).
 */
export const PINNED_SETTINGS_SQL = [
  "SET TimeZone TO 'UTC'",
  "SET DateStyle TO 'ISO, MDY'",
  'SET search_path TO DEFAULT',
  'SET lock_timeout TO 0',
  'SET statement_timeout TO 0',
  'SET idle_in_transaction_session_timeout TO 0',
  'SET client_min_messages TO warning',
  'SET standard_conforming_strings TO on',
  'SET IntervalStyle TO postgres',
  'SET check_function_bodies TO on',
].join(';\n');

/** Connects to the dev database, runs the prelude (then reconnects), pins the settings. */
export async function openSession(url: string, logger: Logger, prelude?: string): Promise<pg.Client> {
  let client = await connect(url, { applicationName: 'db-action lint', logger });
  try {
    if (prelude && prelude.trim()) {
      try {
        await client.query(prelude);
      } catch (e) {
        throw new DbActionError(`the prelude failed on the dev database: ${pgError(e).message}`, {
          hint: 'fix the prelude SQL (it runs on an empty database before any migration)',
          cause: e,
        });
      }
      await client.end();
      client = await connect(url, { applicationName: 'db-action lint', logger });
    }
    await client.query(PINNED_SETTINGS_SQL);
    return client;
  } catch (e) {
    await client.end().catch(() => undefined);
    throw e;
  }
}

/** A migration that did not apply: where, and PostgreSQL's words. */
export interface ReplayFailure {
  readonly migration: MigrationFile;
  /** 1-based line in the file of the failing statement. */
  readonly line: number;
  readonly endLine: number;
  readonly message: string;
  readonly code?: string;
}

function pgError(e: unknown): { message: string; code?: string } {
  if (e && typeof e === 'object' && 'message' in e) {
    const code = (e as { code?: unknown }).code;
    return { message: String((e as { message: unknown }).message), ...(typeof code === 'string' ? { code } : {}) };
  }
  return { message: String(e) };
}

/** Cheap textual check: might this file contain a statement that refuses a transaction block? */
const MAYBE_NON_TRANSACTIONAL =
  /\b(concurrently|vacuum|reindex|cluster|alter\s+system|(create|drop|alter)\s+database|(create|drop)\s+tablespace)\b/i;
/** Does the file change session settings that later files would inherit in a shared session? */
const CHANGES_SESSION = /(^|;)\s*(set\s+(?!local\b)|reset\s)|set_config\s*\(|\bdiscard\b/im;

/** Explicit transaction control that could commit part of a file before a later statement fails. */
const EXPLICIT_TX_END = /\b(commit|rollback)\b/i;
/** SQLSTATE 25001: "… cannot run inside a transaction block". */
const ACTIVE_SQL_TRANSACTION = '25001';

/** A file-level directive or format metadata says: never in a transaction, one statement at a time. */
function forcedStatementMode(file: MigrationFile): boolean {
  return file.transaction === 'none' || /txmode|tx-mode/i.test(file.upSql);
}

/** Statements of the file when it must run one at a time (non-transactional statements or tx mode none). */
async function statementModeStatements(file: MigrationFile): Promise<readonly Statement[] | undefined> {
  const parsed = await parseMigrationFile(file);
  if (file.transaction === 'none' || parsed.txMode === 'none' || parsed.statements.some((s) => !s.transactional)) {
    return parsed.statements;
  }
  return undefined;
}

/** Runs statements one by one (autocommit, as written). Returns the failing statement, if any. */
async function runStatements(
  client: pg.Client,
  statements: readonly Statement[],
): Promise<{ statement: Statement; error: unknown } | undefined> {
  for (const s of statements) {
    try {
      await client.query(s.text);
    } catch (error) {
      return { statement: s, error };
    }
  }
  return undefined;
}

/**
 * After a whole-file failure (rolled back), finds the failing statement by re-running the file one
 * statement at a time in one transaction, then rolls that back too.
 */
async function locateFailure(client: pg.Client, file: MigrationFile, original: unknown): Promise<ReplayFailure> {
  const err = pgError(original);
  const fallback: ReplayFailure = { migration: file, line: file.upStartLine, endLine: file.upStartLine, ...err };
  let parsed: ParsedMigration;
  try {
    parsed = await parseMigrationFile(file);
  } catch (e) {
    const line = isDbActionError(e) ? e.line : undefined;
    return line ? { ...fallback, line, endLine: line } : fallback;
  }
  try {
    await client.query('ROLLBACK').catch(() => undefined);
    await client.query('BEGIN');
    for (const s of parsed.statements) {
      if (s.transactionControl) continue;
      try {
        await client.query(s.text);
      } catch (e) {
        return { migration: file, line: s.startLine, endLine: s.endLine, ...pgError(e) };
      }
    }
    return fallback;
  } finally {
    await client.query('ROLLBACK').catch(() => undefined);
  }
}

export interface ReplayOptions {
  readonly logger: Logger;
  readonly signal?: AbortSignal;
}

/**
 * Replays base migrations in order. Stops at the first failure and returns it (the database then
 * holds everything before the failing file).
 */
export async function replayBase(
  client: pg.Client,
  files: readonly MigrationFile[],
  options: ReplayOptions,
): Promise<ReplayFailure | undefined> {
  for (const file of files) {
    options.signal?.throwIfAborted();
    let failure: ReplayFailure | undefined;
    try {
      failure = await replayFile(client, file);
    } catch (e) {
      if (!isDbActionError(e)) throw e;
      const line = e.line ?? file.upStartLine;
      return { migration: file, line, endLine: line, message: `does not parse: ${e.message}` };
    }
    if (failure) return failure;
    if (CHANGES_SESSION.test(file.upSql)) await client.query(`RESET ALL;\n${PINNED_SETTINGS_SQL}`);
  }
  return undefined;
}

async function runStatementMode(
  client: pg.Client,
  file: MigrationFile,
  statements: readonly Statement[],
): Promise<ReplayFailure | undefined> {
  const failure = await runStatements(client, statements);
  if (!failure) return undefined;
  await client.query('ROLLBACK').catch(() => undefined);
  return {
    migration: file,
    line: failure.statement.startLine,
    endLine: failure.statement.endLine,
    ...pgError(failure.error),
  };
}

/**
 * One base file. Most files go whole in one round trip; a file that may hold a statement refusing a
 * transaction block (CONCURRENTLY, VACUUM, …) is tried whole too (a lone such statement runs fine
 * that way) and replayed statement by statement when PostgreSQL refuses — unless it also commits
 * explicitly part-way, then it is parsed first (a retry would repeat the committed part).
 */
async function replayFile(client: pg.Client, file: MigrationFile): Promise<ReplayFailure | undefined> {
  const maybeNonTransactional = MAYBE_NON_TRANSACTIONAL.test(file.upSql);
  if (forcedStatementMode(file) || (maybeNonTransactional && EXPLICIT_TX_END.test(file.upSql))) {
    const statements = await statementModeStatements(file);
    if (statements) return runStatementMode(client, file, statements);
  }
  if (file.upSql.trim() === '') return undefined;
  try {
    // One round trip; a trailing newline ends a final `--` comment, `;` an unterminated last statement.
    await client.query(`${file.upSql}\n;`);
    return undefined;
  } catch (e) {
    if (maybeNonTransactional && pgError(e).code === ACTIVE_SQL_TRANSACTION) {
      await client.query('ROLLBACK').catch(() => undefined);
      const statements = await statementModeStatements(file);
      if (statements) return runStatementMode(client, file, statements);
    }
    return locateFailure(client, file, e);
  }
}
