/**
 * Split a migration into statements with exact file lines, using PostgreSQL's own parser and lexer
 * (libpg-query) and never a hand-written splitter.
 *
 * Offsets: libpg-query reports statement locations/lengths and token offsets in BYTES of the UTF-8
 * encoding, and error cursor positions in CHARACTERS (code points); SourceText converts both.
 * Each statement's span is from its first to its last real token (comments and whitespace around it,
 * and the terminating `;`, excluded); we do not rely on whether `stmt_location` includes leading
 * comments (it did before PostgreSQL 17, it does not in 18) nor on `stmt_len` being 0 for the last
 * statement without `;`.
 */
import { DbActionError } from '../errors.js';
import type { MigrationFile } from '../migrations/types.js';
import { attachDirectives, type CommentSpan } from './directives.js';
import { loadParser, parseRaw, RawParseError, scanRaw, type RawToken } from './parser.js';
import { SourceText } from './source.js';
import { nodeKind } from './targets.js';
import { isTransactional, isTransactionControl } from './transaction.js';
import type { ParsedMigration, Statement } from './types.js';

export interface ParseSqlOptions {
  /** File name used in errors (repo- or directory-relative, as the user would name it). */
  readonly file: string;
  /** 1-based file line on which `sql` begins (dbmate sections); default 1. */
  readonly firstLine?: number;
}

/** Parse SQL text into statements; throws DbActionError (with file, line, column) when it does not parse. */
export async function parseSql(sql: string, options: ParseSqlOptions): Promise<ParsedMigration> {
  await loadParser();
  return parseSqlSync(sql, options);
}

/** Parse the "up" part of a migration file (dbmate sections keep their file lines). */
export function parseMigration(m: Pick<MigrationFile, 'upSql' | 'upStartLine' | 'relPath'>): Promise<ParsedMigration> {
  return parseSql(m.upSql, { file: m.relPath, firstLine: m.upStartLine });
}

/** Same as parseSql, for callers that already awaited `loadParser()`. */
export function parseSqlSync(input: string, options: ParseSqlOptions): ParsedMigration {
  // A BOM is not SQL; dropping it keeps every line number (it sits on line 1, before any line break).
  const sql = input.startsWith('\uFEFF') ? input.slice(1) : input;
  const source = new SourceText(sql, options.firstLine ?? 1);
  if (sql === '') return { statements: [] }; // libpg-query refuses '' (whitespace and comments parse to no statements)

  const nul = sql.indexOf('\0');
  if (nul !== -1) {
    const at = source.positionOfCodePoint([...sql.slice(0, nul)].length);
    throw new DbActionError('the file contains a NUL byte, which is not valid SQL', {
      file: options.file,
      ...at,
      hint: 'check the file encoding: migrations must be UTF-8 text',
    });
  }

  let raw;
  try {
    raw = parseRaw(sql);
  } catch (e) {
    if (!(e instanceof RawParseError)) throw e;
    const at = e.codePointOffset === undefined ? {} : source.positionOfCodePoint(e.codePointOffset);
    throw new DbActionError(e.message, {
      file: options.file,
      ...at,
      hint: parseErrorHint(sql, e.codePointOffset),
      cause: e.cause ?? e,
    });
  }

  const tokens = scanRaw(sql);
  const real = tokens.filter((t) => !t.comment);
  const comments = tokens.filter((t) => t.comment);
  const commentSpan = (t: RawToken): CommentSpan => ({
    text: source.slice(t.start, t.end),
    startLine: source.lineAt(t.start),
    endLine: source.lineAt(Math.max(t.start, t.end - 1)),
  });

  // `terminator`: the `;` that ends the statement, when there is one (it may sit on a later line).
  const spans: { start: number; end: number; terminator?: number; ast: Record<string, unknown> }[] = [];
  let r = 0;
  for (const s of raw) {
    const stmtEnd = s.length === undefined ? source.byteLength : s.location + s.length;
    // Start: the first token at or after stmt_location that is not a `;` of an empty statement.
    while (r < real.length && (real[r]!.start < s.location || real[r]!.semicolon)) r++;
    const first = real[r];
    let last: RawToken | undefined;
    while (r < real.length && real[r]!.end <= stmtEnd) {
      if (!real[r]!.semicolon || s.length !== undefined) last = real[r];
      r++;
    }
    if (!first || !last || first.start >= stmtEnd) {
      throw new Error(`bug: no tokens for the statement at byte ${s.location} of ${options.file}`);
    }
    const next = real[r];
    spans.push({
      start: first.start,
      end: last.end,
      ...(next?.semicolon ? { terminator: next.start } : {}),
      ast: s.ast,
    });
  }

  // Comments between statements: before statement i = after the end of statement i-1.
  const commentsBefore: CommentSpan[][] = spans.map(() => []);
  const trailing: CommentSpan[] = [];
  let j = 0; // first statement that ends after the comment starts
  for (const c of comments) {
    while (j < spans.length && spans[j]!.end <= c.start) j++;
    const next = spans[j];
    if (!next) trailing.push(commentSpan(c));
    else if (c.start < next.start) commentsBefore[j]!.push(commentSpan(c));
    // else: a comment inside statement j, not a directive position
  }

  const startLines = spans.map((s) => source.lineAt(s.start));
  const endLines = spans.map((s) => source.lineAt(s.end - 1));
  // A trailing directive sits after the `;`: on the terminator's line.
  const terminatorLines = spans.map((s, i) =>
    s.terminator === undefined ? endLines[i]! : source.lineAt(s.terminator),
  );
  const directives = attachDirectives(
    spans.map((_, i) => ({
      startLine: startLines[i]!,
      endLine: terminatorLines[i]!,
      commentsBefore: commentsBefore[i]!,
    })),
    trailing,
  );

  const statements: Statement[] = spans.map((s, i) => ({
    index: i,
    text: source.slice(s.start, s.end),
    startLine: startLines[i]!,
    endLine: endLines[i]!,
    kind: nodeKind(s.ast),
    ast: s.ast,
    transactional: isTransactional(s.ast),
    transactionControl: isTransactionControl(s.ast),
    nolint: directives.nolint[i] ?? [],
  }));
  return directives.txMode === undefined ? { statements } : { statements, txMode: directives.txMode };
}

function parseErrorHint(sql: string, codePointOffset: number | undefined): string {
  const at = codePointOffset === undefined ? undefined : [...sql][codePointOffset];
  if (at === '\\')
    return 'psql meta-commands (\\connect, \\set, \\i, ...) are not SQL: migrations must be plain SQL statements';
  return 'fix the statement: migrations must be valid PostgreSQL SQL';
}
