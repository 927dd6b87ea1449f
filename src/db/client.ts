/**
 * Connecting to PostgreSQL with errors a user can act on: a refused port, a failed login, an unknown
 * host or a malformed URL become `DbActionError`s with a hint, and never carry the password (or the
 * URL) in their message.
 */
import pg from 'pg';

import { DbActionError } from '../errors.js';
import type { Logger } from '../logger.js';
import { redact, secretsOf, urlUserinfo } from '../secrets.js';

export interface ConnectOptions {
  /** `application_name` shown in `pg_stat_activity`. Default `db-action`. */
  readonly applicationName?: string;
  readonly logger?: Logger;
  /** Give up connecting after this many milliseconds. Default 10000. */
  readonly connectTimeoutMs?: number;
}

/** Host, port and database of a URL, safe to print (no user, no password). */
export function describeTarget(url: string): string {
  try {
    const u = new URL(url);
    const db = decodeURIComponent(u.pathname.replace(/^\//, '')) || '(default database)';
    return `${u.hostname || 'localhost'}:${u.port || '5432'}/${db}`;
  } catch {
    return 'the database';
  }
}

/** Throws a DbActionError when `url` is not a usable postgres:// URL. */
export function assertPostgresUrl(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new DbActionError('the database URL is not a valid URL', {
      hint:
        'use postgres://user:password@host:5432/dbname; percent-encode special characters in the password ' +
        '(e.g. @ as %40, / as %2F, # as %23)',
    });
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    throw new DbActionError(
      `the database URL must start with postgres:// or postgresql:// (got ${parsed.protocol}//)`,
      {
        hint: 'use postgres://user:password@host:5432/dbname',
      },
    );
  }
  assertUnambiguousUserinfo(url);
  return parsed;
}

/**
 * Throws a DbActionError when the user name or password holds an unencoded `@`, `/`, `?` or `#`: a URL
 * parser would end the password there and read the rest of it as the host, port or database (and
 * connect there, printing it). Nothing of the URL is echoed: all of it may be password.
 */
function assertUnambiguousUserinfo(url: string): void {
  if (!urlUserinfo(url)?.ambiguous) return;
  throw new DbActionError(
    "the database URL's user name or password holds a character that must be percent-encoded: an unencoded @, /, ? or # ends the password early and makes the rest of it the host (not connecting; the URL is not shown)",
    {
      hint: 'percent-encode the user name and password in the URL: @ as %40, / as %2F, ? as %3F, # as %23, : as %3A, % as %25 (encodeURIComponent does exactly this)',
    },
  );
}

interface PgLikeError {
  code?: string;
  message?: string;
}

/** A connect failure as a DbActionError with a hint, secrets scrubbed. */
export function connectError(url: string, error: unknown): DbActionError {
  const secrets = secretsOf(url);
  const target = describeTarget(url);
  const e = (error ?? {}) as PgLikeError;
  const raw = redact(e.message ?? String(error), secrets);
  let hint: string;
  switch (e.code) {
    case 'ECONNREFUSED':
      hint = `nothing accepts connections at ${target.split('/')[0]}: is the server running and the port right?`;
      break;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      hint =
        'the host name does not resolve: check the host part of the URL (in GitHub Actions, a `services:` container is reached as localhost with a mapped port)';
      break;
    case 'ETIMEDOUT':
    case 'ECONNRESET':
      hint = 'the server did not answer: check the host, port, firewall and that the server is up';
      break;
    case '28P01':
    case '28000':
      hint = 'authentication failed: check the user and password in the URL (percent-encode special characters)';
      break;
    case '3D000':
      hint = 'the database does not exist: create it or fix the database name in the URL';
      break;
    case '57P03':
      hint = 'the server is starting up or shutting down: retry in a moment';
      break;
    default:
      hint = /timeout/i.test(raw)
        ? 'the server did not answer in time: check the host, port and that the server is up'
        : 'check the database URL and that the server is reachable';
  }
  // The cause is scrubbed too: adapters may print it in debug output.
  const cause = new Error(raw);
  (cause as Error & { code?: string }).code = e.code;
  return new DbActionError(`could not connect to ${target}: ${raw}`, { hint, cause });
}

/** Opens a connection; the caller must `end()` it (prefer `withClient`). */
export async function connect(url: string, options: ConnectOptions = {}): Promise<pg.Client> {
  assertPostgresUrl(url);
  let client: pg.Client;
  try {
    client = new pg.Client({
      connectionString: url,
      application_name: options.applicationName ?? 'db-action',
      connectionTimeoutMillis: options.connectTimeoutMs ?? 10_000,
    });
  } catch (error) {
    throw connectError(url, error);
  }
  // An idle client whose server goes away emits 'error'; without a listener that kills the process.
  client.on('error', (error) =>
    options.logger?.debug(`database connection error: ${redact(error.message, secretsOf(url))}`),
  );
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => undefined);
    throw connectError(url, error);
  }
  options.logger?.debug(`connected to ${describeTarget(url)}`);
  return client;
}

/** Runs `fn` with a fresh connection, closed in `finally`. */
export async function withClient<T>(
  url: string,
  fn: (client: pg.Client) => Promise<T>,
  options: ConnectOptions = {},
): Promise<T> {
  const client = await connect(url, options);
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** `url` with its path replaced by `database` (user, password, host and query kept). */
export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${encodeURIComponent(database)}`;
  return u.toString();
}

/** Quotes an identifier for SQL. */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
