/**
 * The dev database session the lint engine works in, and the fast replay of base migrations:
 * one simple-query round trip per file over one connection (like `psql -f` in one session), falling
 * back to one statement at a time for files that cannot run in one transaction block.
 */
import type pg from 'pg';

import { connect } from '../db/client.js';
import { isDbActionError } from '../errors.js';
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
      await client.query(prelude);
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

/** How a base file is sent: whole (one round trip) or statement by statement. */
async function needsStatementMode(file: MigrationFile): Promise<ParsedMigration | undefined> {
  if (file.transaction === 'none' || MAYBE_NON_TRANSACTIONAL.test(file.upSql) || /txmode|tx-mode/i.test(file.upSql)) {
    const parsed = await parseMigrationFile(file);
    if (file.transaction === 'none' || parsed.txMode === 'none' || parsed.statements.some((s) => !s.transactional))
      return parsed;
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
  } catch {
    return fallback;
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
    let statementMode: ParsedMigration | undefined;
    try {
      statementMode = await needsStatementMode(file);
    } catch (e) {
      if (!isDbActionError(e)) throw e;
      const line = e.line ?? file.upStartLine;
      return { migration: file, line, endLine: line, message: `does not parse: ${e.message}` };
    }
    if (statementMode) {
      const failure = await runStatements(client, statementMode.statements);
      if (failure) {
        await client.query('ROLLBACK').catch(() => undefined);
        return {
          migration: file,
          line: failure.statement.startLine,
          endLine: failure.statement.endLine,
          ...pgError(failure.error),
        };
      }
    } else if (file.upSql.trim() !== '') {
      try {
        // One round trip; a trailing newline ends a final `--` comment, `;` an unterminated last statement.
        await client.query(`${file.upSql}\n;`);
      } catch (e) {
        return locateFailure(client, file, e);
      }
    }
    if (CHANGES_SESSION.test(file.upSql)) await client.query(`RESET ALL;\n${PINNED_SETTINGS_SQL}`);
  }
  return undefined;
}
