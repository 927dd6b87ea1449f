/**
 * The Markdown report shared by the job summary and the sticky PR comment: a verdict line a reviewer
 * reads at a glance, counts by category, a table of the new migrations (statements, findings, strongest
 * lock, time), the findings with their suggestion, and collapsible statement-level locks. Pure.
 */
import { CATEGORIES, type Category, type LintReport, type Severity } from '../lint/types.js';
import {
  countFindings,
  failingSummary,
  formatDuration,
  formatLock,
  isFailing,
  plural,
  strongestLock,
} from './counts.js';
import { evidenceFor, groupByFile, untracedGroup } from './evidence.js';

/** GitHub rejects issue comments longer than this many characters. */
export const COMMENT_LIMIT = 65536;
/** GitHub's per-step job summary limit is 1 MiB; stay below it. */
export const SUMMARY_LIMIT = 1000000;

export interface MarkdownOptions {
  /** Prepended as the first line (the sticky comment's hidden marker). */
  readonly marker?: string;
  /** `https://github.com/o/r/blob/<sha>`: findings link to `<blobUrl>/<file>#L<line>-L<endLine>`. */
  readonly blobUrl?: string;
  /** Link to the workflow run, named in the truncation note. */
  readonly runUrl?: string;
  readonly toolVersion?: string;
  /** Maximum length of the result; longer output is cut at a line boundary with a note. */
  readonly maxLength?: number;
}

const SEVERITY_ICON: Record<Severity, string> = { error: '🔴', warning: '🟡', notice: '🔵' };
const CATEGORY_ICON: Record<Category, string> = {
  destructive: '🗑️',
  'backward-incompatible': '💔',
  'table-rewrite': '♻️',
  'blocking-lock': '🔒',
  'data-dependent': '🎲',
  'apply-error': '💥',
  'history-modified': '✏️',
  'out-of-order': '🔀',
};

/** Text safe inside a Markdown table cell or list item (no pipes, no line breaks, no raw HTML). */
export function escapeCell(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\|/g, '\\|')
    .replace(/\r?\n/g, ' ');
}

/** An inline code span that survives backticks and pipes in the text. */
export function code(text: string): string {
  const clean = text.replace(/\r?\n/g, ' ').replace(/\|/g, '\\|');
  const fence = clean.includes('`') ? '``' : '`';
  return `${fence}${fence.length > 1 ? ' ' : ''}${clean}${fence.length > 1 ? ' ' : ''}${fence}`;
}

function pgVersion(num: number): string {
  return num > 0 ? `PostgreSQL ${Math.floor(num / 10000)}.${num % 10000}` : 'PostgreSQL';
}

/** The verdict headline: `❌ db-action lint: check failed — 2 findings (1 destructive) …`. */
export function verdictLine(report: LintReport): string {
  const counts = countFindings(report.findings);
  if (report.failed) {
    const why = failingSummary(report);
    return `❌ **db-action lint: check failed** — ${plural(counts.total, 'finding')}${why ? ` (failing: ${why})` : ''} in ${plural(report.newCount, 'new migration')}`;
  }
  if (counts.total > 0) {
    return `⚠️ **db-action lint: check passed with ${plural(counts.total, 'finding')}** in ${plural(report.newCount, 'new migration')}`;
  }
  if (report.newCount === 0) return '✅ **db-action lint: check passed** — no new migrations to lint';
  return `✅ **db-action lint: check passed** — no findings in ${plural(report.newCount, 'new migration')}`;
}

function link(options: MarkdownOptions, file: string, line: number, endLine: number): string {
  const label = `${file}:${line}`;
  if (!options.blobUrl) return code(label);
  const path = file.split('/').map(encodeURIComponent).join('/');
  const anchor = endLine > line ? `#L${line}-L${endLine}` : `#L${line}`;
  return `[${code(label)}](${options.blobUrl}/${path}${anchor})`;
}

export function formatMarkdown(report: LintReport, options: MarkdownOptions = {}): string {
  const out: string[] = [];
  if (options.marker) out.push(options.marker);
  const counts = countFindings(report.findings);

  out.push(`### ${verdictLine(report)}`, '');
  out.push(
    `Directory ${code(report.dir)} (${report.format}): ${plural(report.newCount, 'new migration')} linted, ${report.baseCount} base ${report.devDatabase.provider === 'none' ? 'not replayed (nothing new to trace)' : 'replayed'}. ` +
      `Fails on: ${report.failOn.map((c) => code(c)).join(', ') || 'nothing'}.`,
    '',
  );

  if (counts.total > 0) {
    out.push('| Category | Findings | Fails the check |', '|---|---:|:---:|');
    for (const c of CATEGORIES) {
      if (counts.byCategory[c] === 0) continue;
      const failing = report.findings.filter((f) => f.category === c && isFailing(f, report.failOn)).length;
      const fails = failing === 0 ? '' : failing === counts.byCategory[c] ? 'yes' : `${failing} of them`;
      out.push(`| ${CATEGORY_ICON[c]} ${c} | ${counts.byCategory[c]} | ${fails} |`);
    }
    const sev = (['error', 'warning', 'notice'] as const)
      .filter((s) => counts.bySeverity[s] > 0)
      .map((s) => `${SEVERITY_ICON[s]} ${plural(counts.bySeverity[s], s)}`);
    out.push('', `By severity: ${sev.join(' · ')}`, '');
  }

  const groups = groupByFile(report.findings, report.files);
  if (groups.length > 0) {
    out.push('| Migration | Statements | Findings | Strongest lock | Time |', '|---|---:|---:|---|---:|');
    for (const g of groups) {
      const statements = g.report ? String(g.report.statements.length) : '–';
      const lock = g.report ? strongestLock(g.report.statements.flatMap((s) => s.locks)) : undefined;
      const time = g.report ? formatDuration(g.report.durationMs) : '–';
      const icon = untracedGroup(g)
        ? '⏭️'
        : g.findings.length === 0
          ? '✅'
          : g.findings.some((f) => f.severity === 'error')
            ? '🔴'
            : '🟡';
      out.push(
        `| ${icon} ${code(g.file)} | ${statements} | ${g.findings.length} | ${lock ? escapeCell(formatLock(lock)) : '–'} | ${time} |`,
      );
    }
    out.push('');
  }

  for (const g of groups) {
    if (g.findings.length === 0 && !g.report?.note) continue;
    out.push(`#### ${code(g.file)}`, '');
    if (g.report?.note) out.push(`> ℹ️ ${escapeCell(g.report.note)}`, '');
    for (const f of g.findings) {
      out.push(
        `- ${SEVERITY_ICON[f.severity]} **${f.severity}** · ${f.category} · ${code(f.rule)} · ${link(options, f.file, f.line, f.endLine)}  `,
      );
      const ev = evidenceFor(f, g.report);
      // Message, then the evidence on its own line (hard break), then the suggestion as a quote.
      out.push(`  ${escapeCell(f.message)}${ev.length > 0 ? '  ' : ''}`);
      if (ev.length > 0) out.push(`  <sub>evidence: ${ev.map(escapeCell).join('; ')}</sub>`);
      if (f.suggestion) out.push('', `  > 💡 ${escapeCell(f.suggestion)}`, '');
    }
    out.push('');
  }

  const traced = report.files.filter((f) => f.statements.length > 0);
  if (traced.length > 0) {
    out.push('<details><summary>Statement-level locks and timings</summary>', '');
    for (const file of traced) {
      out.push(
        `**${code(file.file)}**`,
        '',
        '| Line | Statement | Locks held (existing relations) | Rewrote | In tx | Time |',
        '|---:|---|---|---|:---:|---:|',
      );
      for (const s of file.statements) {
        const sql = s.sql.replace(/\s+/g, ' ').trim();
        const short = sql.length > 60 ? `${sql.slice(0, 57)}…` : sql;
        const locks = s.locks.length ? s.locks.map((l) => escapeCell(formatLock(l))).join('<br>') : '–';
        const rewrote = s.rewritten.length ? s.rewritten.map(escapeCell).join('<br>') : '–';
        const err = (s.error ? ` ⚠️ ${escapeCell(s.error)}` : '') + (s.note ? ` ℹ️ ${escapeCell(s.note)}` : '');
        out.push(
          `| ${s.line} | ${code(short || s.kind)}${err} | ${locks} | ${rewrote} | ${s.transactional ? 'yes' : 'no'} | ${formatDuration(s.durationMs)} |`,
        );
      }
      out.push('');
    }
    out.push('</details>', '');
  }

  const db = report.devDatabase;
  out.push(
    `<sub>Dev database: ${db.provider}, ${pgVersion(db.serverVersionNum)}, ready in ${formatDuration(db.startupMs)} · total ${formatDuration(report.durationMs)}` +
      `${options.toolVersion ? ` · db-action ${options.toolVersion}` : ''}</sub>`,
  );
  const md = `${out.join('\n')}\n`;
  return options.maxLength !== undefined ? truncateMarkdown(md, options.maxLength, options.runUrl) : md;
}

/**
 * Cut Markdown to at most `max` characters at a line boundary, close any `<details>` left open and
 * append a note saying the report was truncated (pointing at the run when known).
 */
export function truncateMarkdown(md: string, max: number, runUrl?: string): string {
  if (md.length <= max) return md;
  const note = `\n\n> ✂️ **Report truncated** to fit GitHub's ${max.toLocaleString('en-US')}-character limit. ${runUrl ? `[See the full report in the workflow run](${runUrl}).` : 'See the job summary or the workflow log for the full report.'}\n`;
  const closers = '\n</details>'.repeat(8);
  const budget = Math.max(0, max - note.length - closers.length);
  let cut = md.slice(0, budget);
  const nl = cut.lastIndexOf('\n');
  if (nl > 0) cut = cut.slice(0, nl);
  const open = (cut.match(/<details>/g) ?? []).length - (cut.match(/<\/details>/g) ?? []).length;
  const close = open > 0 ? '\n</details>'.repeat(Math.min(open, 8)) : '';
  return `${cut}${close}${note}`;
}
