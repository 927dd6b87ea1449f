/**
 * The apply job summary as Markdown: pure (result in, text out), so it is tested without a runner.
 * One row per migration this run planned, with its status and duration; the error (already scrubbed
 * of secrets by the core) below the table.
 */
import { formatDuration } from '../src/apply/duration.js';
import { describeBaseline } from '../src/apply/index.js';
import type { ApplyResult, MigrationRunStatus } from '../src/apply/types.js';

const ICON: Readonly<Record<MigrationRunStatus, string>> = {
  applied: '✅ applied',
  baseline: '📌 baseline',
  pending: '⏳ pending',
  verified: '🔍 verified (rolled back)',
  skipped: '⏭️ skipped',
  failed: '❌ failed',
};

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

/** Markdown for `core.summary.addRaw()`. */
export function renderApplySummary(result: ApplyResult, options: { dir?: string } = {}): string {
  const mode = result.dryRun ? ' (dry run)' : result.verify ? ' (verify)' : '';
  const lines: string[] = [];
  const verdict = result.ok ? '✅' : '❌';
  lines.push(`## ${verdict} db-action apply${mode}`, '');
  const what = result.dryRun
    ? `${result.pendingCount} migration(s) would be applied`
    : `${result.appliedCount} applied, ${result.pendingCount} pending`;
  lines.push(
    `${what}${options.dir ? ` in \`${options.dir}\`` : ''}; current version: ${result.currentVersion ? `\`${result.currentVersion}\`` : '(none)'}; took ${formatDuration(result.durationMs)}.`,
    '',
  );
  if (result.migrations.length === 0) {
    lines.push(result.ok ? 'The database is up to date: nothing to apply.' : 'Nothing ran.', '');
  } else {
    lines.push('| Migration | Version | Status | Duration | Transaction |', '| --- | --- | --- | ---: | --- |');
    for (const m of result.migrations) {
      const notes: string[] = [];
      if (m.resumedFrom) notes.push(`resumed at statement ${m.resumedFrom + 1}`);
      if (m.retries) notes.push(`${m.retries} lock-timeout retr${m.retries > 1 ? 'ies' : 'y'}`);
      lines.push(
        `| \`${cell(m.file)}\` | ${cell(m.version)} | ${ICON[m.status]}${notes.length ? ` (${notes.join(', ')})` : ''} | ${
          m.durationMs === undefined ? '' : formatDuration(m.durationMs)
        } | ${m.transactional ? 'one transaction' : 'per statement'} |`,
      );
    }
    lines.push('');
  }
  const baseline = describeBaseline(result);
  if (baseline) lines.push(`> [!NOTE]\n> ${cell(baseline)}`, '');
  for (const w of result.warnings) lines.push(`> [!WARNING]\n> ${cell(w)}`, '');
  if (result.error) {
    lines.push(
      '### Error',
      '',
      '```',
      ('format' in result.error && typeof result.error.format === 'function'
        ? (result.error.format as () => string)()
        : result.error.message
      ).replace(/```/g, "'''"),
      '```',
      '',
    );
  }
  return lines.join('\n');
}
