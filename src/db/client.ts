/**
 * Connecting to PostgreSQL with errors a user can act on: a refused port, a failed login, an unknown
 * host, a certificate that does not verify or a malformed URL become `DbActionError`s with a hint, and
 * never carry the password (or the URL) in their message. `sslmode` means what it means to libpq and
 * psql (`require` encrypts without verifying the certificate), for apply, status and lint's dev-url.
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
    "the database URL's user name or password holds a character that must be percent-encoded (or its database name an @): an unencoded /, ? or # ends the password early and makes the rest of it the host (not connecting; the URL is not shown)",
    {
      hint: 'percent-encode the user name, password and database name in the URL: @ as %40, / as %2F, ? as %3F, # as %23, : as %3A, % as %25 (encodeURIComponent does exactly this)',
    },
  );
}

/**
 * A failure to connect (or to log in): a configuration problem of the URL, the network or the server,
 * never a migration failure. The CLI exits 2 for it whatever the command.
 */
export class ConnectionError extends DbActionError {}

/** The `sslmode` values of libpq (https://www.postgresql.org/docs/current/libpq-ssl.html). */
const LIBPQ_SSLMODES: ReadonlySet<string> = new Set([
  'disable',
  'allow',
  'prefer',
  'require',
  'verify-ca',
  'verify-full',
]);

/** The query parameters of a URL (empty when it does not parse). */
function queryOf(url: string): URLSearchParams {
  try {
    return new URL(url).searchParams;
  } catch {
    return new URLSearchParams();
  }
}

/**
 * The connection string handed to node-postgres. node-postgres (pg-connection-string 2.x) reads
 * `sslmode=prefer`, `require` and `verify-ca` as `verify-full` (and prints a SECURITY WARNING), so
 * `?sslmode=require` fails on a self-signed certificate that psql accepts. With a libpq `sslmode` and no
 * `uselibpqcompat` of the user's own, `uselibpqcompat=true` is added: libpq's meaning (`require` =
 * encrypted, not verified; `verify-ca` = the CA from `sslrootcert`; `verify-full` = CA and host name).
 * Anything else (node-postgres's own `sslmode=no-verify`, `ssl=true`) is passed as written.
 */
export function pgConnectionString(url: string): string {
  const query = queryOf(url);
  const mode = query.get('sslmode');
  if (mode === null || !LIBPQ_SSLMODES.has(mode) || query.has('uselibpqcompat')) return url;
  // Appended as text, not re-serialised through URL: the user name and password stay byte for byte.
  const hash = url.indexOf('#');
  const [head, fragment] = hash < 0 ? [url, ''] : [url.slice(0, hash), url.slice(hash)];
  return `${head}${head.includes('?') ? '&' : '?'}uselibpqcompat=true${fragment}`;
}

/** Node's TLS verification failures (the `code` of the socket error). */
const CERTIFICATE_ERRORS: ReadonlySet<string> = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_UNTRUSTED',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_SIGNATURE_FAILURE',
  'CERT_REJECTED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'HOSTNAME_MISMATCH',
]);

/** The hint for a TLS problem, or undefined when `e` is none. */
function sslHint(url: string, e: PgLikeError, raw: string): string | undefined {
  const query = queryOf(url);
  const mode = query.get('sslmode') ?? undefined;
  const setting = mode === undefined ? `ssl=${query.get('ssl') ?? 'true'}` : `sslmode=${mode}`;
  const rootcert = query.get('sslrootcert');
  if (/requires specifying a CA with sslrootcert/i.test(raw)) {
    return `${setting} needs the CA certificate: add sslrootcert=/path/to/root.crt to the URL, or use sslmode=require to encrypt without verifying`;
  }
  if ((e.code !== undefined && CERTIFICATE_ERRORS.has(e.code)) || /certificate|altnames/i.test(raw)) {
    const hostCheck =
      e.code === 'ERR_TLS_CERT_ALTNAME_INVALID' || /altnames|hostname/i.test(raw)
        ? ' the certificate is not for the host name in the URL: connect with the name the certificate was issued for, or use sslmode=verify-ca (checks the CA, not the name);'
        : '';
    return (
      `the server's TLS certificate did not verify (${setting} checks it${rootcert ? ` against sslrootcert=${rootcert}` : ' against the system CAs'});${hostCheck} ` +
      `pass the CA that signed it with sslrootcert=/path/to/root.crt in the URL (sslmode=verify-full&sslrootcert=…), ` +
      'or use sslmode=require to encrypt without verifying the certificate, as psql does'
    );
  }
  if (/does not support SSL/i.test(raw)) {
    return `the server does not accept TLS connections: enable ssl on the server, or remove ${setting} from the URL`;
  }
  if (e.code === 'ENOENT' && /ssl(?:root)?cert|sslkey|\.(?:crt|pem|key)\b/i.test(raw + [...query.keys()].join(' '))) {
    return 'a certificate or key file named in the URL (sslrootcert, sslcert, sslkey) cannot be read: check its path (relative paths are relative to the working directory)';
  }
  return undefined;
}

interface PgLikeError {
  code?: string;
  message?: string;
}

/** A connect failure as a DbActionError with a hint, secrets scrubbed. */
export function connectError(url: string, error: unknown): ConnectionError {
  const secrets = secretsOf(url);
  const target = describeTarget(url);
  const e = (error ?? {}) as PgLikeError;
  const raw = redact(e.message ?? String(error), secrets);
  let hint: string;
  const ssl = sslHint(url, e, raw);
  if (ssl !== undefined) {
    const cause = new Error(raw);
    (cause as Error & { code?: string }).code = e.code;
    return new ConnectionError(`could not connect to ${target}: ${raw}`, { hint: ssl, cause });
  }
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
  return new ConnectionError(`could not connect to ${target}: ${raw}`, { hint, cause });
}

/** Opens a connection; the caller must `end()` it (prefer `withClient`). */
export async function connect(url: string, options: ConnectOptions = {}): Promise<pg.Client> {
  assertPostgresUrl(url);
  let client: pg.Client;
  try {
    client = new pg.Client({
      connectionString: pgConnectionString(url),
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
