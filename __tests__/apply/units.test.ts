/** The pure parts of the apply engine: durations, version order, history table names, planning, batching guard, summary. */
import { renderApplySummary } from '../../action-apply/summary.js';
import { formatDuration, parseDuration } from '../../src/apply/duration.js';
import { HistoryTable, literal, type HistoryRow } from '../../src/apply/history.js';
import { ApplyConfigurationError } from '../../src/apply/config-error.js';
import { closestVersions, naturalCompareVersions, planApply } from '../../src/apply/plan.js';
import type { DbActionError } from '../../src/errors.js';
import { compareIntegers } from '../../src/migrations/versions.js';
import { batchable, type ExecutableMigration } from '../../src/apply/runner.js';
import { mayNeedStatements } from '../../src/apply/screen.js';
import type { MigrationFile } from '../../src/migrations/types.js';

describe('parseDuration', () => {
  it.each([
    ['5s', 5000],
    ['500ms', 500],
    ['2m', 120_000],
    ['0', 0],
    ['1.5s', 1500],
    ['1h', 3_600_000],
    [' 250 ', 250],
  ])('%s -> %d ms', (text, ms) => expect(parseDuration(text)).toBe(ms));
  it.each(['soon', '-1s', '5 seconds', '', 's'])('rejects %j with a hint', (text) => {
    expect(() => parseDuration(text, 'input lock-timeout')).toThrow(/input lock-timeout: cannot read/);
  });
  it('formats', () => {
    expect([formatDuration(45), formatDuration(1234), formatDuration(61_000)]).toEqual(['45ms', '1.23s', '1m 1s']);
  });
});

describe('naturalCompareVersions', () => {
  it('orders digit runs by value', () => {
    expect(['10', '9', '1.10', '1.2', '20240101120000', '2'].sort(naturalCompareVersions)).toEqual([
      '1.2',
      '1.10',
      '2',
      '9',
      '10',
      '20240101120000',
    ]);
    expect(naturalCompareVersions('001', '1')).toBe(0);
  });
});

describe('HistoryTable', () => {
  it('reads schema.table, folds case unless quoted, defaults the schema to public', () => {
    expect(new HistoryTable().qualified).toBe('"db_action"."schema_migrations"');
    expect(new HistoryTable('Ops.Log').qualified).toBe('"ops"."log"');
    expect(new HistoryTable('"My Schema"."T"').qualified).toBe('"My Schema"."T"');
    expect(new HistoryTable('migrations').qualified).toBe('"public"."migrations"');
    expect(() => new HistoryTable('a.b.c')).toThrow(/not a valid schema.table/);
    expect(() => new HistoryTable('x; DROP TABLE y')).toThrow(/not a valid/);
  });
  it('quotes literals', () => {
    expect(literal("it's")).toBe("'it''s'");
    expect(literal(null)).toBe('NULL');
  });
});

function file(version: string, checksum = `c${version}`, extra: Partial<MigrationFile> = {}): MigrationFile {
  return {
    version,
    name: `m${version}`,
    relPath: `${version}_m.sql`,
    absPath: `/x/${version}_m.sql`,
    content: '',
    upSql: '',
    upStartLine: 1,
    checksum,
    transaction: 'auto',
    repeatable: false,
    ...extra,
  };
}

function row(version: string, status: HistoryRow['status'], checksum = `c${version}`): HistoryRow {
  return {
    key: version,
    version,
    name: `m${version}`,
    repeatable: false,
    file: `${version}_m.sql`,
    checksum,
    status,
    appliedAt: new Date(),
    executionMs: 1,
    appliedBy: 'me',
    error: null,
    failedStatement: null,
    statementsDone: 0,
    doneChecksum: null,
  };
}

describe('planApply', () => {
  const displayPath = (m: MigrationFile): string => m.relPath;
  it('plans pending ones, retries failed ones, refuses edited applied ones', () => {
    const plan = planApply([file('1'), file('2'), file('3')], [row('1', 'applied'), row('2', 'failed', 'old')], {
      displayPath,
    });
    expect(plan.run.map((p) => [p.migration.version, p.action])).toEqual([
      ['2', 'retry'],
      ['3', 'run'],
    ]);
    expect(() => planApply([file('1', 'new')], [row('1', 'applied')], { displayPath })).toThrow(
      /^edited after it was applied to this database \(checksum applied c1, file now new\)$/,
    );
    expect(() =>
      planApply([file('1', 'x'), file('2', 'y')], [row('1', 'applied'), row('2', 'applied')], { displayPath }),
    ).toThrow(/\(checksum applied c1, file now x\); 1 more applied migration was edited too: 2_m\.sql$/);
    expect(() => planApply([file('1', 'new')], [row('1', 'baseline')], { displayPath })).toThrow(/edited/);
  });
  it('refuses a running or partly applied history row whose file is gone, naming the real history table', () => {
    expect(() => planApply([file('1')], [row('1', 'applied'), row('2', 'running')], { displayPath })).toThrow(
      /records version 2 .* as running, interrupted .*, and that file is no longer in the directory/,
    );
    const partly = { ...row('2', 'failed'), statementsDone: 2 };
    let refusal: DbActionError | undefined;
    try {
      planApply([file('1')], [row('1', 'applied'), partly], { displayPath, historyTable: '"ops"."log"' });
    } catch (e) {
      refusal = e as DbActionError;
    }
    expect(refusal?.message).toMatch(
      /as failed, partly applied \(2 statements run outside a transaction stay applied\)/,
    );
    expect(refusal?.hint).toMatch(/DELETE FROM "ops"\."log" WHERE key = '2'$/);
    expect(refusal?.hint).not.toContain('<history table>');
  });
  it('a failed history row with nothing applied whose file is gone is a warning, not a refusal', () => {
    // a transactional file rolled back (statements_done 0), then its pull request reverted
    const plan = planApply([file('1'), file('3')], [row('1', 'applied'), row('2', 'failed')], {
      displayPath,
      historyTable: '"db_action"."schema_migrations"',
    });
    expect(plan.run.map((p) => p.migration.version)).toEqual(['3']);
    expect(plan.warnings).toEqual([
      expect.stringMatching(
        /^the history records version 2 \(2_m\.sql\) as failed, and that file is no longer in the directory; nothing of it was applied .* DELETE FROM "db_action"\."schema_migrations" WHERE key = '2' removes the row$/,
      ),
    ]);
  });
  it('refuses a baseline that is not the version of a migration, naming the closest ones', () => {
    const ts = [
      '20240101000000',
      '20240102000000',
      '20240103000000',
      '20240105000000',
      '20240201000000',
      '20240401000000',
    ];
    const files = ts.map((v) => file(v));
    const refusal = (baseline: string): string => {
      try {
        planApply(files, [], { displayPath, baseline, compare: compareIntegers });
      } catch (e) {
        expect(e).toBeInstanceOf(ApplyConfigurationError);
        return (e as Error).message;
      }
      throw new Error(`baseline ${baseline} was accepted`);
    };
    expect(refusal('20240105')).toMatch(
      /^baseline version "20240105" is not the version of a migration in the directory \(the directory has 6 versioned migrations, 20240101000000 … 20240401000000; closest: 20240105000000\); nothing was recorded or run$/,
    );
    expect(refusal('2024-01-03')).toMatch(/closest: 20240103000000\)/);
    expect(refusal('v3')).toMatch(/is not the version of a migration/);
    expect(refusal('abc')).toMatch(/closest: 20240401000000\)/);
    // the format's own equality is the same version: 001 is 1 for plain files
    const plan = planApply([file('001'), file('002')], [], { displayPath, baseline: '1', compare: compareIntegers });
    expect(plan.baseline.map((p) => p.migration.version)).toEqual(['001']);
    expect(closestVersions(['1', '2', '3', '10'], 'v3', compareIntegers)).toEqual(['3']);
  });
  it('baselines versions up to the given one, using the format order', () => {
    const plan = planApply([file('9'), file('10'), file('11')], [], { displayPath, baseline: '10' });
    expect(plan.baseline.map((p) => p.migration.version)).toEqual(['9', '10']);
    expect(plan.run.map((p) => p.migration.version)).toEqual(['11']);
  });
});

describe('batching guard', () => {
  const exe = (upSql: string, extra: Partial<ExecutableMigration> = {}): ExecutableMigration => ({
    planned: { migration: file('1', 'c', { upSql }), file: '1_m.sql', action: 'run' },
    parsed: undefined,
    needsParse: false,
    transactional: true,
    parse: () => Promise.reject(new Error('not here')),
    ...extra,
  });
  it('batches plain files and keeps anything that could run on into the next file alone', () => {
    expect(batchable(exe("CREATE TABLE t (id int DEFAULT 'x');"))).toBe(true);
    expect(batchable(exe("CREATE TABLE t (id int DEFAULT 'x);"))).toBe(false);
    expect(batchable(exe('/* open comment'))).toBe(false);
    expect(batchable(exe('SELECT $a$ x $a$; SELECT $$ y $$'))).toBe(true);
    expect(batchable(exe('SELECT $a$ x'))).toBe(false);
    expect(batchable(exe('CREATE TABLE "t (id int);'))).toBe(false);
    expect(batchable(exe('SELECT 1', { transactional: false }))).toBe(false);
  });
  it('parses up front the files that may hold non-transactional statements or their own BEGIN/COMMIT', () => {
    expect(mayNeedStatements('CREATE INDEX CONCURRENTLY i ON t (x);')).toBe(true);
    expect(mayNeedStatements('BEGIN;\nCREATE TABLE t (id int);\nCOMMIT;')).toBe(true);
    expect(mayNeedStatements('-- atlas:txmode none\nCREATE TABLE t (id int);')).toBe(true);
    expect(mayNeedStatements('VACUUM t;')).toBe(true);
    expect(mayNeedStatements('CREATE TABLE t (id int);\nALTER TABLE t ADD COLUMN x int;')).toBe(false);
  });
});

describe('renderApplySummary', () => {
  it('lists each migration with status and duration, warnings and the error', () => {
    const md = renderApplySummary({
      ok: false,
      error: new Error('boom'),
      migrations: [
        {
          version: '1',
          name: 'a',
          file: 'db/1_a.sql',
          repeatable: false,
          transactional: true,
          status: 'applied',
          durationMs: 12,
        },
        {
          version: '2',
          name: 'b',
          file: 'db/2_b.sql',
          repeatable: false,
          transactional: false,
          status: 'failed',
          resumedFrom: 2,
        },
        { version: '3', name: 'c', file: 'db/3_c.sql', repeatable: false, transactional: true, status: 'pending' },
      ],
      appliedCount: 1,
      pendingCount: 2,
      currentVersion: '1',
      dryRun: false,
      verify: false,
      warnings: ['applied migration 0 is not in the directory any more'],
      durationMs: 1500,
    });
    expect(md).toContain('## ❌ db-action apply');
    expect(md).toContain('1 applied, 2 pending; current version: `1`');
    expect(md).toContain('| `db/1_a.sql` | 1 | ✅ applied | 12ms | one transaction |');
    expect(md).toContain('| `db/2_b.sql` | 2 | ❌ failed (resumed at statement 3) |  | per statement |');
    expect(md).toContain('> [!WARNING]');
    expect(md).toMatch(/### Error\n\n```\nboom\n```/);
  });
});
