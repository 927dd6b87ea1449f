/**
 * Directives written in SQL comments.
 *
 * Statement directives, attached to the statement directly below:
 *   `-- db-action:nolint [names]`, `-- atlas:nolint [names]`, `-- squawk-ignore [names]`
 * File directives, anywhere outside statements (all statements get them):
 *   `-- db-action:nolint-file [names]`, `-- squawk-ignore-file [names]`
 *   `-- atlas:nolint [names]` in the file's leading comment block when a blank line separates it from the
 *   first statement (Atlas's rule for file-level directives).
 * Transaction mode, in the file's leading comment block (before the first statement):
 *   `-- db-action:tx-mode none|file`, `-- db-action:no-transaction`, `-- atlas:txmode none|file|all`.
 *
 * Names may be separated by commas and/or spaces; text after ` -- ` is a free-form reason and ignored.
 * No names = everything. Both `--` and slash-star comments work, with or without a space after the
 * comment opener (`--atlas:nolint`, as Atlas documents).
 *
 * Attachment: a directive belongs to the next statement when only comments and line breaks, without a
 * blank line, lie between them, i.e. it sits in the comment block directly above the statement (or
 * before it on its first line). A blank line breaks the attachment, as in squawk and Atlas. Squawk itself
 * only looks at the single line above the statement; we accept the whole contiguous comment block so a
 * reason comment may sit between the directive and the statement. A `db-action:nolint` that trails a statement on
 * its last line (`DROP TABLE t; -- db-action:nolint`) belongs to THAT statement, never to the next one: the
 * end-of-line convention of most linters, and what the writer of such a line means. The `squawk-ignore` and
 * `atlas:nolint` spellings keep their tools' meaning there (squawk: the line above the statement, so a comment
 * trailing the previous statement silences the next one), so existing annotations keep silencing what they did.
 */
import type { NolintDirective } from './types.js';

/** A comment with its 1-based file lines. */
export interface CommentSpan {
  readonly text: string;
  readonly startLine: number;
  readonly endLine: number;
}

export interface ParsedDirective {
  readonly kind: 'nolint' | 'nolint-file' | 'tx-mode';
  readonly source: NolintDirective['source'];
  readonly names: readonly string[];
  /** For tx-mode. */
  readonly txMode?: 'none' | 'file';
  readonly line: number;
}

/** The comment's content lines, without `--` or the slash-star delimiters and leading `*` decoration. */
function commentLines(text: string): string[] {
  if (text.startsWith('--')) return [text.slice(2)];
  const inner = text.replace(/^\/\*/, '').replace(/\*\/$/, '');
  return inner.split(/\r?\n/).map((l) => l.replace(/^\s*\*(?!\/)/, ''));
}

function names(rest: string | undefined): string[] {
  if (!rest) return [];
  const reasonAt = rest.search(/(^|\s)--/);
  const list = reasonAt === -1 ? rest : rest.slice(0, reasonAt);
  return list.split(/[\s,]+/).filter((x) => x !== '');
}

const NOLINT = /^(db-action|atlas):nolint(-file)?(?:[\s,]+(.*))?$/i;
const SQUAWK = /^squawk-ignore(-file)?(?:[\s,]+(.*))?$/i;
const DB_ACTION_TX = /^db-action:(?:tx-mode|txmode)\s+(\S+)|^db-action:no-transaction\s*$/i;
const ATLAS_TX = /^atlas:txmode\s+(\S+)/i;

/** All directives in one comment (a slash-star comment may hold several, one per line). */
export function parseDirectives(comment: CommentSpan): ParsedDirective[] {
  const out: ParsedDirective[] = [];
  commentLines(comment.text).forEach((raw, i) => {
    const body = raw.trim();
    const line = comment.startLine + i;
    let m: RegExpExecArray | null;
    if ((m = NOLINT.exec(body))) {
      // atlas has no `nolint-file`; its file-level form is decided by position (see attachDirectives).
      const source = m[1]!.toLowerCase() as 'db-action' | 'atlas';
      if (m[2] && source === 'atlas') return;
      out.push({ kind: m[2] ? 'nolint-file' : 'nolint', source, names: names(m[3]), line });
    } else if ((m = SQUAWK.exec(body))) {
      out.push({ kind: m[1] ? 'nolint-file' : 'nolint', source: 'squawk', names: names(m[2]), line });
    } else if ((m = DB_ACTION_TX.exec(body)) || (m = ATLAS_TX.exec(body))) {
      const source = body.toLowerCase().startsWith('atlas') ? 'atlas' : 'db-action';
      const value = (m[1] ?? 'none').toLowerCase();
      // Atlas's `all` (one transaction for all files) still runs this file in a transaction.
      const txMode = value === 'none' ? 'none' : value === 'file' || value === 'all' ? 'file' : undefined;
      if (txMode) out.push({ kind: 'tx-mode', source, names: [], txMode, line });
    }
  });
  return out;
}

/** The comments (in file order) that sit directly above a statement starting on `startLine`. */
export function attachedComments(before: readonly CommentSpan[], startLine: number): CommentSpan[] {
  const attached: CommentSpan[] = [];
  let boundary = startLine;
  for (let i = before.length - 1; i >= 0; i--) {
    const c = before[i]!;
    if (c.endLine < boundary - 1) break; // a blank line (or a line of other text) separates it
    attached.unshift(c);
    boundary = c.startLine;
  }
  return attached;
}

export interface StatementDirectiveInput {
  /** 1-based first line of the statement. */
  readonly startLine: number;
  /** 1-based last line of the statement: a comment starting on it, after the statement, trails it. */
  readonly endLine?: number;
  /** Comments between the previous statement (or file start) and this statement, in order. */
  readonly commentsBefore: readonly CommentSpan[];
}

export interface AttachedDirectives {
  /** nolint directives per statement (file-level ones included), same order as the input. */
  readonly nolint: NolintDirective[][];
  readonly txMode?: 'none' | 'file';
}

/**
 * Resolve every directive of a file: `statements` in order, and `trailing` = comments after the last
 * statement (for a file without statements, all its comments).
 */
export function attachDirectives(
  statements: readonly StatementDirectiveInput[],
  trailing: readonly CommentSpan[],
): AttachedDirectives {
  const fileLevel: NolintDirective[] = [];
  const perStatement: NolintDirective[][] = [];
  let txMode: 'none' | 'file' | undefined;

  const leading = statements[0]?.commentsBefore ?? trailing;
  const leadingAttached = new Set(statements[0] ? attachedComments(leading, statements[0].startLine) : []);
  for (const c of leading) {
    for (const d of parseDirectives(c)) {
      if (d.kind === 'tx-mode') txMode ??= d.txMode;
      // Atlas file-level nolint: in the header, separated from the first statement by a blank line.
      if (d.kind === 'nolint' && d.source === 'atlas' && !leadingAttached.has(c)) {
        fileLevel.push({ source: d.source, names: d.names, line: d.line });
      }
    }
  }

  const all = [...statements.flatMap((s) => s.commentsBefore), ...trailing];
  for (const c of all) {
    for (const d of parseDirectives(c)) {
      if (d.kind === 'nolint-file') fileLevel.push({ source: d.source, names: d.names, line: d.line });
    }
  }

  statements.forEach((s, i) => {
    const own: NolintDirective[] = [];
    /** `trails`: the comment trails this statement (true), the previous one (false), or neither (undefined). */
    const add = (c: CommentSpan, trails?: boolean) => {
      for (const d of parseDirectives(c)) {
        if (d.kind !== 'nolint') continue;
        if (trails !== undefined && trails !== (d.source === 'db-action')) continue;
        own.push({ source: d.source, names: d.names, line: d.line });
      }
    };
    // A comment trails a statement when it starts on that statement's last line and the next statement does not
    // start where it ends (`a; /* x */ b;`: the comment is before b on b's first line, and is b's).
    const trails = (c: CommentSpan, endLine: number | undefined, nextStart: number | undefined) =>
      endLine !== undefined && c.startLine === endLine && c.endLine !== nextStart;
    const previousEnd = statements[i - 1]?.endLine;
    for (const c of attachedComments(s.commentsBefore, s.startLine)) {
      add(c, trails(c, previousEnd, s.startLine) ? false : undefined);
    }
    const after = statements[i + 1]?.commentsBefore ?? trailing;
    for (const c of after) if (trails(c, s.endLine, statements[i + 1]?.startLine)) add(c, true);
    perStatement.push([...fileLevel, ...own]);
  });
  return txMode === undefined ? { nolint: perStatement } : { nolint: perStatement, txMode };
}
