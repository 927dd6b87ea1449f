/**
 * PostgreSQL errors of a migration as DbActionErrors: file, the failing statement's line (plus the
 * error's position inside it when PostgreSQL gives one), SQLSTATE, a hint, and no secrets.
 */
import { DbActionError } from '../errors.js';
import type { Statement } from '../sql/types.js';

/** The fields node-postgres puts on a server error. */
export interface PgErrorLike {
  readonly code?: string;
  readonly message?: string;
  readonly position?: string;
  readonly detail?: string;
  readonly hint?: string;
}

export function pgError(e: unknown): PgErrorLike {
  return (typeof e === 'object' && e !== null ? e : { message: String(e) }) as PgErrorLike;
}

export const LOCK_NOT_AVAILABLE = '55P03';
export const QUERY_CANCELED = '57014';
/** `unsafe use of new value` of an enum, in the transaction that added it. */
export const UNSAFE_NEW_ENUM_VALUE = '55P04';

/** PostgreSQL's hints are sentences; ours joins them with `; `, so their final full stop goes. */
function withoutFinalStop(text: string): string {
  return text.trim().replace(/\.+$/, '');
}

export function isLockTimeout(e: unknown): boolean {
  return pgError(e).code === LOCK_NOT_AVAILABLE;
}

/** The server ended our session (pg_terminate_backend, shutdown, crash) or the socket died. */
export function isConnectionLost(e: unknown): boolean {
  const { code, message } = pgError(e);
  if (
    code === '57P01' ||
    code === '57P02' ||
    code === '57P03' ||
    code === '08006' ||
    code === '08003' ||
    code === 'ECONNRESET' ||
    code === 'EPIPE'
  )
    return true;
  return /Connection terminated|connection (?:is )?closed|Client was closed|not queryable|ECONNRESET|EPIPE/i.test(
    message ?? '',
  );
}

/** Line and column (1-based, in the file) of a 1-based character `position` inside `statement.text`. */
export function positionInStatement(
  statement: Pick<Statement, 'text' | 'startLine'>,
  position: number,
): { line: number; column: number } {
  const before = [...statement.text].slice(0, Math.max(0, position - 1)).join('');
  const lines = before.split('\n');
  return { line: statement.startLine + lines.length - 1, column: (lines[lines.length - 1] ?? '').length + 1 };
}

export interface MigrationErrorContext {
  /** Path for the message (relative to cwd). */
  readonly file: string;
  /** The statement that failed, when known. */
  readonly statement?: Pick<Statement, 'text' | 'startLine' | 'index'>;
  /** File line/column of the error when already known (overrides the statement and the error's position). */
  readonly at?: { readonly line: number; readonly column?: number };
  /** Whether the file runs in one transaction (decides what the hint says was kept). */
  readonly transactional: boolean;
  /** Scrubs secrets. */
  readonly redact: (text: string) => string;
  /** Tries made (lock timeouts). */
  readonly tries?: number;
  /** Extra hint text placed first (e.g. an INVALID index left behind). */
  readonly extraHint?: string;
}

function short(text: string): string {
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length > 80 ? `${one.slice(0, 77)}...` : one;
}

/** A migration's database error as a DbActionError. */
export function migrationError(e: unknown, ctx: MigrationErrorContext): DbActionError {
  const pe = pgError(e);
  const code = pe.code && /^[0-9A-Z]{5}$/.test(pe.code) ? pe.code : undefined;
  let line = ctx.statement?.startLine;
  let column: number | undefined;
  const pos = pe.position ? Number(pe.position) : NaN;
  if (ctx.at) ({ line, column } = ctx.at);
  else if (ctx.statement && Number.isInteger(pos) && pos > 0)
    ({ line, column } = positionInStatement(ctx.statement, pos));
  const kept = ctx.transactional
    ? 'the migration was rolled back: nothing of it was applied'
    : 'the statements before this one stay applied (recorded in the history): a rerun resumes at this statement';
  let hint: string;
  if (code === LOCK_NOT_AVAILABLE) {
    hint = `another session held a lock this statement needs${ctx.tries ? ` (tried ${ctx.tries} time${ctx.tries > 1 ? 's' : ''})` : ''}; find it with pg_locks/pg_stat_activity, deploy when the table is quieter, or raise lock-timeout; ${kept}`;
  } else if (code === QUERY_CANCELED) {
    hint = `the statement ran into statement_timeout or was cancelled; raise statement-timeout if it needs longer; ${kept}`;
  } else if (code === '25001' || code === '2D000') {
    hint = `the statement cannot run inside the migration's transaction (${code === '2D000' ? 'it commits or rolls back by itself, e.g. a procedure or DO block with COMMIT' : 'PostgreSQL refuses it in a transaction block'}): add the line \`-- db-action:tx-mode none\` to the file to run it statement by statement without a transaction; ${kept}`;
  } else if (isConnectionLost(e)) {
    hint = ctx.transactional
      ? 'the database connection was lost (server restart or pg_terminate_backend): the migration was rolled back; rerun apply'
      : 'the database connection was lost (server restart or pg_terminate_backend); statements recorded as done stay applied: rerun apply to resume';
  } else if (code === UNSAFE_NEW_ENUM_VALUE) {
    hint = `a value added by ALTER TYPE … ADD VALUE cannot be used in the transaction that adds it: move the ALTER TYPE … ADD VALUE into its own migration, ordered before the one that uses the value (each file runs in its own transaction, committed before the next); ${kept}`;
  } else {
    hint = `${pe.hint ? `${withoutFinalStop(pe.hint)}; ` : ''}fix the statement and rerun; ${kept}`;
  }
  if (ctx.extraHint) hint = `${withoutFinalStop(ctx.extraHint)}; ${hint}`;
  const what = ctx.statement ? `statement ${ctx.statement.index + 1} (${short(ctx.statement.text)})` : 'migration';
  const detail = pe.detail ? ` (${pe.detail})` : '';
  const message = `${what} failed: ${pe.message ?? 'unknown error'}${detail}${code ? ` [SQLSTATE ${code}]` : ''}`;
  return new DbActionError(ctx.redact(message), {
    file: ctx.file,
    line,
    column,
    hint: ctx.redact(hint),
    cause: scrubbedCause(e, ctx.redact),
  });
}

/** A copy of the error whose message cannot leak secrets (adapters may print causes). */
export function scrubbedCause(e: unknown, redact: (t: string) => string): Error {
  const pe = pgError(e);
  const c = new Error(redact(pe.message ?? String(e)));
  Object.assign(c, { code: pe.code });
  return c;
}
