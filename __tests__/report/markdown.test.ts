import {
  COMMENT_LIMIT,
  code,
  escapeCell,
  formatMarkdown,
  truncateMarkdown,
  verdictLine,
} from '../../src/report/markdown.js';
import { bigReport, cleanReport, sampleReport } from './fixtures.js';

describe('formatMarkdown', () => {
  const md = formatMarkdown(sampleReport(), { blobUrl: 'https://github.com/o/r/blob/abc123', toolVersion: '9.9.9' });

  it('a file that was never traced is ⏭️ in the table, not ✅, with its note', () => {
    const clean = cleanReport();
    const [first, second] = clean.files;
    const md = formatMarkdown(
      { ...clean, files: [first!, { ...second!, statements: [], note: 'not traced: x.sql failed to apply' }] },
      {},
    );
    expect(md).toContain(`| ✅ \`${first!.file}\``);
    expect(md).toContain(`| ⏭️ \`${second!.file}\``);
    expect(md).toContain('> ℹ️ not traced: x.sql failed to apply');
  });

  it('opens with a verdict a reviewer reads at a glance', () => {
    expect(md.split('\n')[0]).toBe(
      '### ❌ **db-action lint: check failed** — 3 findings (failing: 1 destructive) in 2 new migrations',
    );
    expect(verdictLine(cleanReport())).toBe('✅ **db-action lint: check passed** — no findings in 2 new migrations');
    expect(verdictLine({ ...sampleReport(), failed: false })).toBe(
      '⚠️ **db-action lint: check passed with 3 findings** in 2 new migrations',
    );
  });

  it('counts findings by category, marking the ones that fail the check', () => {
    expect(md).toContain('| 🗑️ destructive | 1 | yes |');
    expect(md).toContain('| 🔒 blocking-lock | 1 |  |');
    expect(md).toContain('| 🎲 data-dependent | 1 |  |');
    expect(md).not.toContain('| 💥 apply-error');
    expect(md).toContain('By severity: 🔴 1 error · 🟡 1 warning · 🔵 1 notice');
  });

  it('has a table of migrations with statements, findings, strongest lock and time', () => {
    expect(md).toContain('| Migration | Statements | Findings | Strongest lock | Time |');
    expect(md).toContain(
      '| 🔴 `db/migrations/20240102000000_drop_email.sql` | 1 | 1 | AccessExclusiveLock on public.users | 12 ms |',
    );
    expect(md).toContain(
      '| 🟡 `db/migrations/20240103000000_index.sql` | 2 | 2 | AccessExclusiveLock on public.users | 48 ms |',
    );
  });

  it('lists findings with links to the lines, suggestion and evidence; escapes pipes', () => {
    expect(md).toContain(
      '- 🔴 **error** · destructive · `drop-column` · [`db/migrations/20240102000000_drop_email.sql:3`](https://github.com/o/r/blob/abc123/db/migrations/20240102000000_drop_email.sql#L3-L4)',
    );
    expect(md).toContain('  > 💡 Stop reading the column in the application first');
    expect(md).toContain('<sub>evidence: lock: ShareLock on public.users</sub>');
    expect(md).toContain('fails if any row holds NULL \\| scans the table.');
  });

  it('puts statement-level locks in a collapsible section', () => {
    const details = md.slice(md.indexOf('<details>'), md.indexOf('</details>'));
    expect(details).toContain('<summary>Statement-level locks and timings</summary>');
    expect(details).toContain(
      '| 3 | `ALTER TABLE users DROP COLUMN email` | AccessExclusiveLock on public.users | – | yes | 3 ms |',
    );
    expect(details).toContain(
      '| 3 | `ALTER TABLE users ALTER COLUMN name SET NOT NULL` | AccessExclusiveLock on public.users | public.users | yes | 5 ms |',
    );
    expect(md).toContain('db-action 9.9.9');
  });

  it('starts with the marker when given', () => {
    const withMarker = formatMarkdown(sampleReport(), { marker: '<!-- db-action:lint dir=db/migrations -->' });
    expect(withMarker.split('\n')[0]).toBe('<!-- db-action:lint dir=db/migrations -->');
  });
});

describe('truncateMarkdown', () => {
  it('leaves short text alone', () => {
    expect(truncateMarkdown('abc\n', 10)).toBe('abc\n');
  });

  it('fits a huge report into the comment limit at a line boundary, closes <details> and says so', () => {
    const full = formatMarkdown(bigReport(3000), { runUrl: 'https://github.com/o/r/actions/runs/7' });
    expect(full.length).toBeGreaterThan(COMMENT_LIMIT);
    const cut = formatMarkdown(bigReport(3000), {
      runUrl: 'https://github.com/o/r/actions/runs/7',
      maxLength: COMMENT_LIMIT,
    });
    expect(cut.length).toBeLessThanOrEqual(COMMENT_LIMIT);
    expect(cut).toContain(
      "Report truncated** to fit GitHub's 65,536-character limit. [See the full report in the workflow run](https://github.com/o/r/actions/runs/7).",
    );
    expect(full.startsWith(cut.slice(0, cut.indexOf('\n\n> ✂️')))).toBe(true);
    const open = (cut.match(/<details>/g) ?? []).length;
    const close = (cut.match(/<\/details>/g) ?? []).length;
    expect(open).toBe(close);
  });

  it('closes a <details> that the cut left open', () => {
    const text = `head\n<details><summary>x</summary>\n${'row\n'.repeat(500)}</details>\n`;
    const cut = truncateMarkdown(text, 600);
    expect(cut.length).toBeLessThanOrEqual(600);
    expect(cut).toMatch(/row\n<\/details>\n\n> ✂️/);
  });
});

describe('escaping', () => {
  it('keeps table cells on one line without raw HTML', () => {
    expect(escapeCell('a|b\n<script>&')).toBe('a\\|b &lt;script&gt;&amp;');
    expect(code('x `y` z')).toBe('`` x `y` z ``');
  });
});
