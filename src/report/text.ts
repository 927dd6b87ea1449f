/**
 * The terminal report of `db-action lint`: findings grouped by file at clickable `file:line`,
 * severity, category, rule, message, suggestion and evidence, per-file timing, then a summary line
 * and the verdict. ANSI colours only when `color` (the CLI decides from NO_COLOR / TTY).
 */
import type { LintReport, Severity } from '../lint/types.js';
import { countFindings, failingSummary, formatDuration, isFailing, plural } from './counts.js';
import { evidenceFor, groupByFile, untracedGroup } from './evidence.js';

export interface TextOptions {
  readonly color: boolean;
}

const ANSI = {
  reset: '\u001b[0m',
  bold: '\u001b[1m',
  dim: '\u001b[2m',
  red: '\u001b[31m',
  green: '\u001b[32m',
  yellow: '\u001b[33m',
  cyan: '\u001b[36m',
  underline: '\u001b[4m',
} as const;

type Style = keyof typeof ANSI;

function painter(color: boolean) {
  return (text: string, ...styles: Style[]): string =>
    color && styles.length > 0 ? `${styles.map((s) => ANSI[s]).join('')}${text}${ANSI.reset}` : text;
}

const SEVERITY_STYLE: Record<Severity, Style> = { error: 'red', warning: 'yellow', notice: 'cyan' };

export function formatText(report: LintReport, options: TextOptions): string {
  const paint = painter(options.color);
  const lines: string[] = [];
  const groups = groupByFile(report.findings, report.files);

  for (const g of groups) {
    const meta: string[] = [];
    if (g.report) meta.push(plural(g.report.statements.length, 'statement'), formatDuration(g.report.durationMs));
    // A file that was never traced (an earlier migration failed) is not a pass: no ✓ for it.
    const untraced = untracedGroup(g);
    // ✗ the file has findings that fail the check, ! findings that do not, ✓ none (readable without colours too).
    const fails = g.findings.some((f) => isFailing(f, report.failOn));
    const mark = untraced
      ? paint('–', 'dim')
      : g.findings.length === 0
        ? paint('✓', 'green')
        : fails
          ? paint('✗', 'red')
          : paint('!', 'yellow');
    lines.push(
      `${mark} ${paint(g.file, 'bold', 'underline')}${meta.length ? paint(`  (${meta.join(', ')})`, 'dim') : ''}`,
    );
    if (g.report?.note) lines.push(`  ${paint('note:', 'dim')} ${g.report.note}`);
    for (const f of g.findings) {
      const where = `${f.file}:${f.line}`;
      const span = f.endLine > f.line ? paint(` (lines ${f.line}-${f.endLine})`, 'dim') : '';
      lines.push(
        `  ${where}${span}  ${paint(f.severity, SEVERITY_STYLE[f.severity], 'bold')}  ${f.category}  ${paint(f.rule, 'dim')}`,
      );
      lines.push(`    ${f.message}`);
      if (f.suggestion) lines.push(`    ${paint('suggestion:', 'green')} ${f.suggestion}`);
      for (const e of evidenceFor(f, g.report)) lines.push(`    ${paint('evidence:', 'dim')} ${e}`);
    }
  }
  if (groups.length > 0) lines.push('');

  const counts = countFindings(report.findings);
  const sev = (['error', 'warning', 'notice'] as const)
    .filter((s) => counts.bySeverity[s] > 0)
    .map((s) => paint(plural(counts.bySeverity[s], s), SEVERITY_STYLE[s]));
  const db = report.devDatabase;
  const pg =
    db.serverVersionNum > 0
      ? ` PostgreSQL ${Math.floor(db.serverVersionNum / 10000)}.${db.serverVersionNum % 10000}`
      : '';
  lines.push(
    `${plural(counts.total, 'finding')}${sev.length ? ` (${sev.join(', ')})` : ''} in ${plural(report.newCount, 'new migration')}` +
      (db.provider === 'none'
        ? ` (${report.baseCount} base, not replayed: nothing new to trace) · no dev database started`
        : ` (${report.baseCount} base replayed) · dev database: ${db.provider}${pg}, ready in ${formatDuration(db.startupMs)}`) +
      ` · total ${formatDuration(report.durationMs)}`,
  );
  const failOn = `fail-on: ${report.failOn.join(', ') || 'nothing'}`;
  if (report.failed) {
    const why = failingSummary(report);
    lines.push(paint(`check failed (${failOn})${why ? `: ${why}` : ''}`, 'red', 'bold'));
  } else {
    lines.push(paint(`check passed (${failOn})`, 'green', 'bold'));
  }
  return `${lines.join('\n')}\n`;
}
