import { DbActionError } from '../../errors.js';
import { compareBytes } from '../snapshot.js';
import { isDownOrUndoFile, isSqlFile, unmatchedSqlFile } from './common.js';
import type { FormatLoader, MigrationCandidate, UpSection } from './types.js';

const DBMATE_FILE = /^(\d+)(?:_(.*))?\.sql$/;
/** dbmate's section markers (`-- migrate:up transaction:false`). */
const MARKER = /^--\s*migrate:(up|down)\b(.*)$/;

/** Whether a file has a dbmate `-- migrate:up` line (the detection signal). */
export function hasDbmateUpMarker(content: string): boolean {
  return /^--\s*migrate:up\b/m.test(content);
}

/**
 * dbmate: `<version>_<name>.sql` holding `-- migrate:up` and `-- migrate:down` sections, in file-name
 * order; version = the digits before the first `_` (a name like `x.sql.sql` is fine). Only the up section
 * runs; `-- migrate:up transaction:false` runs it outside a transaction.
 */
export const dbmateLoader: FormatLoader = {
  format: 'dbmate',
  layout: '`<version>_<name>.sql` with `-- migrate:up` / `-- migrate:down` sections',
  async collect(snap) {
    const found: MigrationCandidate[] = [];
    for (const file of await snap.files()) {
      if (!isSqlFile(file)) continue;
      const m = DBMATE_FILE.exec(file);
      if (!m) {
        if (isDownOrUndoFile(file)) continue;
        throw unmatchedSqlFile(snap, file, this);
      }
      const name = m[2] ?? '';
      found.push({
        version: m[1]!,
        name: name.replace(/\.sql$/, ''),
        relPath: file,
        repeatable: false,
        transaction: 'auto',
      });
    }
    return found;
  },
  order: (a, b) => compareBytes(a.relPath, b.relPath),
  upSection: (content, _candidate, displayPath) => dbmateUpSection(content, displayPath),
};

/** Splits a dbmate file: the text between the `-- migrate:up` line and the `-- migrate:down` line (or the end). */
export function dbmateUpSection(content: string, displayPath: string): UpSection {
  // Line starts (offsets), keeping the original line endings inside the section.
  const lineRe = /[^\r\n]*(?:\r\n|\r|\n|$)/g;
  let up: { line: number; start: number; options: string } | undefined;
  let upEnd: number | undefined;
  let section: 'none' | 'up' | 'down' = 'none';
  let lineNo = 0;
  let offset = 0;
  for (const match of content.matchAll(lineRe)) {
    if (match[0] === '' && offset >= content.length) break;
    lineNo++;
    const text = match[0].replace(/[\r\n]+$/, '');
    const marker = MARKER.exec(text);
    const next = offset + match[0].length;
    if (marker?.[1] === 'up') {
      if (up)
        throw new DbActionError('dbmate migration has more than one `-- migrate:up` line', {
          file: displayPath,
          line: lineNo,
        });
      up = { line: lineNo + 1, start: next, options: marker[2]!.trim() };
      section = 'up';
    } else if (marker?.[1] === 'down') {
      if (section === 'up') upEnd = offset;
      section = 'down';
    } else if (section === 'none' && !isCommentOrBlank(text)) {
      throw new DbActionError(
        'dbmate migration has SQL before its `-- migrate:up` line (dbmate refuses statements outside the sections)',
        {
          file: displayPath,
          line: lineNo,
          hint: 'move the statement below `-- migrate:up`',
        },
      );
    }
    offset = next;
  }
  if (!up) {
    throw new DbActionError('dbmate migration has no `-- migrate:up` line', {
      file: displayPath,
      line: 1,
      hint: 'start the file with `-- migrate:up` (and put the rollback under `-- migrate:down`)',
    });
  }
  return {
    upSql: content.slice(up.start, upEnd ?? content.length),
    upStartLine: up.line,
    transaction: parseOptions(up.options, displayPath, up.line - 1).transaction === 'false' ? 'none' : 'auto',
  };
}

function isCommentOrBlank(line: string): boolean {
  const t = line.trim();
  return t === '' || t.startsWith('--');
}

/** dbmate options: space-separated `key:value` pairs after the marker. */
function parseOptions(options: string, displayPath: string, line: number): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of options.split(/\s+/).filter(Boolean)) {
    const i = pair.indexOf(':');
    if (i <= 0) throw new DbActionError(`dbmate option "${pair}" is not key:value`, { file: displayPath, line });
    out[pair.slice(0, i)] = pair.slice(i + 1);
  }
  if (out.transaction !== undefined && out.transaction !== 'true' && out.transaction !== 'false') {
    throw new DbActionError(`dbmate option transaction must be true or false, not "${out.transaction}"`, {
      file: displayPath,
      line,
    });
  }
  return out;
}
