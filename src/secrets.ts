/**
 * Keeping database URLs and passwords out of logs and error messages.
 *
 * `secretsOf(url)` lists every spelling of a connection string's secrets that could end up in a
 * message (the whole URL, the password and the `user:password` part raw, percent-decoded and
 * percent-encoded); `redact` replaces them with `***`. `urlUserinfo(url)` reads the `user:password`
 * part without a URL parser and tells when an unencoded `@`, `/`, `?` or `#` makes it ambiguous. A `Redactor` collects secrets over a run and is what adapters wrap loggers with.
 */
import type { Logger } from './logger.js';

/** What secrets are replaced with. */
export const REDACTED = '***';

/** The spellings of a password that may appear in text. */
function spellingsOf(password: string): string[] {
  if (password === '') return [];
  const out = new Set<string>([password]);
  try {
    out.add(decodeURIComponent(password));
  } catch {
    // not valid percent-encoding: the raw form is all there is
  }
  out.add(encodeURIComponent(password));
  try {
    out.add(encodeURIComponent(decodeURIComponent(password)));
  } catch {
    // idem
  }
  return [...out].filter((s) => s !== '');
}

/** `password=...` in a key=value DSN (`host=x password='a b' user=y`), quoted or not. */
function dsnPassword(text: string): string | undefined {
  const m = /(?:^|\s)password\s*=\s*(?:'((?:[^'\\]|\\.)*)'|(\S+))/i.exec(text);
  if (!m) return undefined;
  if (m[1] !== undefined) return m[1].replace(/\\(.)/g, '$1');
  return m[2];
}

/** The password part of a `postgres://user:password@host/db` URL, as written (still percent-encoded). */
function urlPassword(url: string): string | undefined {
  // Parse by hand too: URLs with unencoded special characters in the password are not valid WHATWG
  // URLs, yet users write them and they must not leak either.
  // Up to the last '@': an unencoded '/', '?' or '@' in the password must not end it early.
  const m = /^[a-z][a-z0-9+.-]*:\/\/(.*)@/is.exec(url);
  const userinfo = m?.[1];
  if (userinfo === undefined) return undefined;
  const colon = userinfo.indexOf(':');
  if (colon < 0) return undefined;
  return userinfo.slice(colon + 1);
}

/** The `user:password` part of a URL as the user meant it, read without a URL parser. */
export interface UrlUserinfo {
  /** Everything between `://` and the last `@` before the host, as written. */
  readonly userinfo: string;
  /** What follows the first `:` of the userinfo, as written; undefined when there is no `:`. */
  readonly password: string | undefined;
  /**
   * An `@`, `/`, `?` or `#` in the userinfo is not percent-encoded: a URL parser ends the password
   * early and reads part of it as the host (`postgres://u:pa@ss/x@db/t` connects to host `ss`).
   */
  readonly ambiguous: boolean;
}

/** Whether the `@` at `i` of `rest` (a URL after `://`) is inside a query value (`?application_name=me@laptop`). */
function inQueryValue(rest: string, i: number): boolean {
  const query = rest.indexOf('?');
  if (query < 0 || query > i) return false;
  const pairStart = Math.max(rest.lastIndexOf('&', i), rest.lastIndexOf('?', i));
  return rest.slice(pairStart + 1, i).includes('=');
}

/** The userinfo of a `scheme://` URL: up to the last `@` that is not in a query value. Undefined without one. */
export function urlUserinfo(url: string): UrlUserinfo | undefined {
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(url);
  if (!scheme) return undefined;
  const rest = url.slice(scheme[0].length);
  let at = rest.lastIndexOf('@');
  while (at >= 0 && inQueryValue(rest, at)) at = at > 0 ? rest.lastIndexOf('@', at - 1) : -1;
  if (at < 0) return undefined;
  const userinfo = rest.slice(0, at);
  const colon = userinfo.indexOf(':');
  // A URL parser reads the authority up to the first `/`, `?` or `#` and splits it at ITS last `@` (so
  // `user@server:pa@ss@host` is fine: user `user@server`, password `pa@ss`). Ambiguous is an `@` beyond the
  // authority: the password held a `/`, `?` or `#` (or the database name an `@`).
  const authorityEnd = rest.search(/[/?#]/);
  return {
    userinfo,
    password: colon < 0 ? undefined : userinfo.slice(colon + 1),
    ambiguous: authorityEnd >= 0 && authorityEnd < at,
  };
}

/**
 * Every secret spelling in a connection string (URL or key=value DSN): the whole string, the
 * password and the whole `user:password` part as written, percent-decoded and percent-encoded.
 * Longest first, so that redacting the whole URL wins over redacting only its password. The whole
 * string counts as secret even without a password (it may carry tokens in its query).
 */
export function secretsOf(url: string): string[] {
  const out = new Set<string>();
  const passwords: string[] = [];
  const fromUrl = urlPassword(url);
  if (fromUrl !== undefined) passwords.push(fromUrl);
  const info = urlUserinfo(url);
  if (info?.password) {
    // the whole `user:password`: with an unencoded `@` or `/`, pieces of it show up as "host" or "database"
    passwords.push(info.password, info.userinfo);
  }
  try {
    const parsed = new URL(url);
    // the parser's password of an ambiguous URL is only the start of the real one: redacting it would
    // hide unrelated text (a password `pa@ss…` is read as `pa`) and protect nothing
    if (parsed.password && !info?.ambiguous) passwords.push(parsed.password);
    const qp = parsed.searchParams.get('password');
    if (qp) passwords.push(qp);
  } catch {
    // not a WHATWG URL: maybe a DSN
  }
  const fromDsn = dsnPassword(url);
  if (fromDsn !== undefined) passwords.push(fromDsn);
  for (const p of passwords) for (const s of spellingsOf(p)) out.add(s);
  if (url.trim() !== '') out.add(url);
  return [...out].sort((a, b) => b.length - a.length);
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** `text` with every occurrence of each secret replaced by `***`. */
export function redact(text: string, secrets: Iterable<string>): string {
  const list = [...new Set(secrets)].filter((s) => s !== '').sort((a, b) => b.length - a.length);
  if (list.length === 0) return text;
  return text.replace(new RegExp(list.map(escapeRegExp).join('|'), 'g'), REDACTED);
}

/** Collects secrets over a run; `redact(text)` scrubs all of them. */
export class Redactor {
  private readonly secrets = new Set<string>();

  /** Adds literal secrets (passwords, tokens). Empty strings are ignored. */
  add(...secrets: string[]): this {
    for (const s of secrets) if (s !== '') this.secrets.add(s);
    return this;
  }

  /** Adds the secrets of a connection string (see `secretsOf`). */
  addUrl(url: string): this {
    return this.add(...secretsOf(url));
  }

  redact(text: string): string {
    return redact(text, this.secrets);
  }

  /** How many distinct secrets are known. */
  get size(): number {
    return this.secrets.size;
  }
}

/** A logger that scrubs the redactor's secrets (as known at each call) from every line. */
export function redactingLogger(logger: Logger, redactor: Redactor): Logger {
  return {
    debug: (m) => logger.debug(redactor.redact(m)),
    info: (m) => logger.info(redactor.redact(m)),
    warn: (m) => logger.warn(redactor.redact(m)),
    error: (m) => logger.error(redactor.redact(m)),
  };
}
