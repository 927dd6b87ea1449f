import { formatJson } from '../../src/report/json.js';
import { cleanReport, sampleReport } from './fixtures.js';

describe('formatJson', () => {
  it('prints findings with exactly the contract keys, in contract order', () => {
    const doc = JSON.parse(formatJson(sampleReport()));
    expect(Object.keys(doc)[0]).toBe('findings');
    expect(doc.findings).toHaveLength(3);
    expect(Object.keys(doc.findings[0])).toEqual([
      'file',
      'line',
      'endLine',
      'rule',
      'category',
      'severity',
      'message',
      'suggestion',
    ]);
    expect(Object.keys(doc.findings[1])).toEqual([
      'file',
      'line',
      'endLine',
      'rule',
      'category',
      'severity',
      'message',
      'suggestion',
      'evidence',
    ]);
    expect(Object.keys(doc.findings[2])).toEqual([
      'file',
      'line',
      'endLine',
      'rule',
      'category',
      'severity',
      'message',
    ]);
    expect(doc.findings[0]).toEqual({
      file: 'db/migrations/20240102000000_drop_email.sql',
      line: 3,
      endLine: 4,
      rule: 'drop-column',
      category: 'destructive',
      severity: 'error',
      message: 'Drops column public.users.email, which holds data in production.',
      suggestion: 'Stop reading the column in the application first, deploy, then drop it in a later migration.',
    });
  });

  it('drops fields that are not part of the finding contract', () => {
    const r = sampleReport();
    const extra = { ...r.findings[0]!, internal: 'x' } as never;
    const doc = JSON.parse(formatJson({ ...r, findings: [extra] }));
    expect(doc.findings[0].internal).toBeUndefined();
  });

  it('carries the summary fields: verdict, counts, files, durations', () => {
    const doc = JSON.parse(formatJson(sampleReport()));
    expect(doc.failed).toBe(true);
    expect(doc.failOn).toEqual(['destructive', 'apply-error', 'history-modified']);
    expect(doc.counts).toEqual({
      total: 3,
      error: 1,
      warning: 1,
      notice: 1,
      byCategory: {
        destructive: 1,
        'backward-incompatible': 0,
        'table-rewrite': 0,
        'blocking-lock': 1,
        'data-dependent': 1,
        'apply-error': 0,
        'history-modified': 0,
        'out-of-order': 0,
      },
    });
    expect(
      doc.files.map((f: { file: string; findings: number; durationMs: number }) => [f.file, f.findings, f.durationMs]),
    ).toEqual([
      ['db/migrations/20240102000000_drop_email.sql', 1, 12],
      ['db/migrations/20240103000000_index.sql', 2, 48],
    ]);
    expect(doc.files[1].statements[1]).toMatchObject({
      line: 3,
      kind: 'AlterTableStmt',
      rewritten: ['public.users'],
      locks: [{ relation: 'public.users', mode: 'AccessExclusiveLock' }],
    });
    expect(doc.devDatabase).toEqual({ provider: 'local', serverVersionNum: 150010, startupMs: 830 });
    expect(doc.durationMs).toBe(1520);
    expect(doc).toMatchObject({ dir: 'db/migrations', format: 'plain', baseCount: 1, newCount: 2 });
  });

  it('is one line of JSON ending in a newline; an empty report has an empty findings array', () => {
    const text = formatJson(cleanReport());
    expect(text.endsWith('\n')).toBe(true);
    expect(text.trimEnd().includes('\n')).toBe(false);
    const doc = JSON.parse(text);
    expect(doc.findings).toEqual([]);
    expect(doc.failed).toBe(false);
    expect(doc.counts.total).toBe(0);
  });
});
