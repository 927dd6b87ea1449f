/**
 * The one place that talks to libpg-query (PostgreSQL's own parser compiled to WASM). The module is
 * loaded once per process; everything else in src/sql works on the plain results returned here.
 */
import { hasSqlDetails, loadModule, parseSync, scanSync } from 'libpg-query';

let loading: Promise<void> | undefined;

/** Load the WASM parser once; later calls share the same promise. */
export function loadParser(): Promise<void> {
  loading ??= loadModule().catch((e: unknown) => {
    loading = undefined; // let a later call retry instead of caching the failure
    throw e;
  });
  return loading;
}

/** One statement as the parser reports it: offsets are BYTE offsets into the UTF-8 encoding of the input. */
export interface RawStatement {
  readonly ast: Record<string, unknown>;
  /** Byte offset where the statement starts (PostgreSQL 18 points at its first token; callers re-check). */
  readonly location: number;
  /** Length in bytes without the terminating `;`; undefined when the statement runs to the end of input. */
  readonly length: number | undefined;
}

/** A lexer token; offsets are byte offsets like the parser's. */
export interface RawToken {
  readonly start: number;
  readonly end: number;
  /** `--` or slash-star comment. */
  readonly comment: boolean;
  /** A `;` (statement terminator, or an empty statement). */
  readonly semicolon: boolean;
}

/** A parse failure with the 0-based CODE POINT offset PostgreSQL reported (its cursorpos is in characters). */
export class RawParseError extends Error {
  /** 0-based offset in code points, or undefined when PostgreSQL gave no position. */
  readonly codePointOffset: number | undefined;

  constructor(message: string, codePointOffset: number | undefined, options: { cause: unknown }) {
    super(message, options);
    this.name = 'RawParseError';
    this.codePointOffset = codePointOffset;
  }
}

/** Parse (loadParser() must have resolved). Throws RawParseError on invalid SQL. */
export function parseRaw(sql: string): RawStatement[] {
  let result;
  try {
    result = parseSync(sql);
  } catch (e) {
    // Only PostgreSQL's own errors are about the SQL; anything else (WASM not loaded, out of memory) is a bug.
    if (!hasSqlDetails(e) || !e.sqlDetails) throw e;
    // libpg-query turns PostgreSQL's 1-based cursorpos into 0-based, and maps "no position" (0) to 0 as well.
    throw new RawParseError(e.sqlDetails.message || e.message, e.sqlDetails.cursorPosition, { cause: e });
  }
  return (result.stmts ?? []).map((s) => ({
    ast: (s.stmt ?? {}) as Record<string, unknown>,
    location: s.stmt_location ?? 0,
    length: s.stmt_len ? s.stmt_len : undefined,
  }));
}

/**
 * Lex the input into tokens, comments included (only called on input that parsed). libpg-query's scan
 * result is JSON that breaks on raw control characters inside tokens (e.g. U+0001 in a string literal),
 * so they are replaced by spaces first: one byte each way, so every offset is unchanged.
 */
export function scanRaw(sql: string): RawToken[] {
  // eslint-disable-next-line no-control-regex
  const safe = sql.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, ' ');
  const tokens = scanSync(safe).tokens ?? [];
  return tokens.map((t) => ({
    start: t.start,
    end: t.end,
    comment: t.tokenName === 'SQL_COMMENT' || t.tokenName === 'C_COMMENT',
    semicolon: t.tokenName === 'ASCII_59',
  }));
}
