import { formatText } from '../../src/report/text.js';
import { cleanReport, sampleReport } from './fixtures.js';

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[/;

describe('formatText', () => {
  it('groups findings under their file with clickable file:line, severity, category, rule, message, suggestion, evidence', () => {
    const out = formatText(sampleReport(), { color: false });
    const lines = out.split('\n');
    const fileA = lines.findIndex(
      (l) => l.includes('db/migrations/20240102000000_drop_email.sql') && l.includes('1 statement'),
    );
    const fileB = lines.findIndex(
      (l) => l.includes('db/migrations/20240103000000_index.sql') && l.includes('2 statements'),
    );
    expect(fileA).toBeGreaterThanOrEqual(0);
    expect(fileB).toBeGreaterThan(fileA);
    const a = lines.slice(fileA, fileB).join('\n');
    expect(a).toContain('db/migrations/20240102000000_drop_email.sql:3 (lines 3-4)  error  destructive  drop-column');
    expect(a).toContain('Drops column public.users.email');
    expect(a).toContain('suggestion: Stop reading the column');
    // No evidence on the finding: the statement's observed lock is shown instead.
    expect(a).toContain('evidence: lock: AccessExclusiveLock on public.users');
    const b = lines.slice(fileB).join('\n');
    expect(b).toContain(
      'db/migrations/20240103000000_index.sql:1  warning  blocking-lock  create-index-non-concurrently',
    );
    expect(b).toContain('evidence: lock: ShareLock on public.users');
    expect(b).toContain('db/migrations/20240103000000_index.sql:3  notice  data-dependent  set-not-null');
    expect(b).toContain('evidence: rewrote: public.users');
    expect(out).toContain('12 ms');
    expect(out).toContain('48 ms');
  });

  it('ends with a summary line and the verdict naming fail-on and the failing categories', () => {
    const lines = formatText(sampleReport(), { color: false }).trimEnd().split('\n');
    expect(lines.at(-2)).toBe(
      '3 findings (1 error, 1 warning, 1 notice) in 2 new migrations (1 base replayed) · dev database: local PostgreSQL 15.10, ready in 830 ms · total 1.52 s',
    );
    expect(lines.at(-1)).toBe('check failed (fail-on: destructive, apply-error, history-modified): 1 destructive');
  });

  it('with no new migrations says nothing was replayed and no dev database started', () => {
    const r = {
      ...cleanReport(),
      newCount: 0,
      files: [],
      devDatabase: { provider: 'none', serverVersionNum: 0, startupMs: 0 },
    };
    expect(formatText(r, { color: false })).toContain(
      '0 findings in 0 new migrations (1 base, not replayed: nothing new to trace) · no dev database started',
    );
  });

  it('says passed for a clean report', () => {
    const out = formatText(cleanReport(), { color: false });
    expect(out).toContain('0 findings in 2 new migrations');
    expect(out.trimEnd().split('\n').at(-1)).toBe('check passed (fail-on: destructive, apply-error, history-modified)');
  });

  it('marks a file that was never traced with –, not ✓', () => {
    const clean = cleanReport();
    const [first, second] = clean.files;
    const report = {
      ...clean,
      files: [first!, { ...second!, statements: [], note: 'not traced: db/migrations/1_x.sql failed to apply' }],
    };
    const lines = formatText(report, { color: false }).split('\n');
    expect(lines.find((l) => l.includes(first!.file))).toMatch(/^✓ /);
    expect(lines.find((l) => l.includes(second!.file))).toMatch(/^– /);
    expect(lines).toContain('  note: not traced: db/migrations/1_x.sql failed to apply');
  });

  it('marks files: ✗ with findings that fail the check, ! with findings that do not', () => {
    const r = sampleReport();
    const lines = formatText(r, { color: false }).split('\n');
    expect(lines.find((l) => l.includes('20240102000000_drop_email.sql') && l.includes('statement'))).toMatch(/^✗ /);
    expect(lines.find((l) => l.includes('20240103000000_index.sql') && l.includes('statement'))).toMatch(/^! /);
  });

  it('has no ANSI escapes without color, and severity colours with it', () => {
    expect(formatText(sampleReport(), { color: false })).not.toMatch(ANSI);
    const coloured = formatText(sampleReport(), { color: true });
    expect(coloured).toContain('\u001b[31m\u001b[1merror\u001b[0m');
    expect(coloured).toContain('\u001b[33m\u001b[1mwarning\u001b[0m');
    expect(coloured).toContain('\u001b[36m\u001b[1mnotice\u001b[0m');
    // Stripping the escapes gives the plain output back.
    // eslint-disable-next-line no-control-regex
    expect(coloured.replace(/\u001b\[[0-9;]*m/g, '')).toBe(formatText(sampleReport(), { color: false }));
  });
});
