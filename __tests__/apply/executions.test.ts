/**
 * How often a failing migration really runs. Each file below starts with `SELECT nextval('runs')`: a
 * sequence is not rolled back with its transaction, so its value after apply is the number of times
 * the server executed the file.
 */
import { apply } from '../../src/apply/index.js';
import { connect } from '../../src/db/client.js';
import { MemoryLogger } from '../../src/logger.js';
import { applyTestBed, historyRows, rows, TempDir } from './fixtures.js';

const bed = applyTestBed('apply_runs', { lockRetryDelayMs: 50 });
const base = bed.base;

const COUNT = "SELECT nextval('runs');\n";

/** Times the server executed a file that starts with COUNT. */
async function executions(): Promise<number> {
  const r = await rows<{ n: string }>(
    bed.db.url,
    'SELECT CASE WHEN is_called THEN last_value ELSE 0 END AS n FROM runs',
  );
  return Number(r[0]!.n);
}

type Located = Error & { file?: string; line?: number; hint?: string };

describe('a failing migration runs once (lock timeouts aside)', () => {
  it('a statement timeout inside a batch is not re-executed to locate it', async () => {
    bed.dir.write({
      '1_seq.sql': 'CREATE SEQUENCE runs;\n',
      '2_slow.sql': `${COUNT}SELECT pg_sleep(2) AS marker_xyz;\n`,
    });
    const t0 = Date.now();
    const r = await apply({ ...base(), statementTimeoutMs: 1000 });
    const took = Date.now() - t0;
    expect(r.ok).toBe(false);
    const e = r.error as Located;
    expect([e.file, e.line]).toEqual(['2_slow.sql', 2]);
    expect(e.message).toMatch(/statement 2 \(SELECT pg_sleep\(2\) AS marker_xyz\) failed: .*statement timeout.*57014/);
    expect(await executions()).toBe(1);
    // one 1 s timeout, not three
    expect(took).toBeLessThan(1900);
    const h = await historyRows(bed.db.url);
    expect(h.map((x) => [x.key, x.status])).toEqual([
      ['1', 'applied'],
      ['2', 'failed'],
    ]);
    expect(h[1]!.execution_ms).toBeGreaterThanOrEqual(900);
    expect(h[1]!.execution_ms).toBeLessThan(1900);
    expect(h[1]!.failed_statement).toBe(1);
  });

  it('a constraint violation (no error position) inside a batch is located without a rerun', async () => {
    bed.dir.write({
      '1_seq.sql': 'CREATE SEQUENCE runs;\nCREATE TABLE d (id int PRIMARY KEY);\n',
      '2_dup.sql': `${COUNT}INSERT INTO d VALUES (1);\n\nINSERT INTO d VALUES (1);\n`,
      '3_after.sql': 'CREATE TABLE after_it (id int);\n',
    });
    const r = await apply(base());
    expect(r.ok).toBe(false);
    const e = r.error as Located;
    expect([e.file, e.line]).toEqual(['2_dup.sql', 4]);
    expect(e.message).toMatch(/statement 3 .*duplicate key.*23505/);
    expect(await executions()).toBe(1);
    expect(r.migrations.map((m) => m.status)).toEqual(['applied', 'failed', 'pending']);
    expect(await rows(bed.db.url, 'SELECT count(*)::int AS n FROM d')).toEqual([{ n: 0 }]);
  });

  it('an error with a position in a batched file, raw text or parsed: its line and column, one run', async () => {
    for (const head of ['', '-- begin: parsed up front\n']) {
      bed.dir.remove();
      bed.dir = new TempDir();
      bed.dir.write({
        '1_seq.sql': 'CREATE SEQUENCE IF NOT EXISTS runs;\n',
        '2_col.sql': `${head}${COUNT}\nSELECT  nope FROM runs;\n`,
        '3_after.sql': 'SELECT 1;\n',
      });
      const r = await apply({ ...base(), historyTable: head ? 'ops.parsed' : 'ops.raw' });
      const e = r.error as Located & { column?: number };
      expect([e.file, e.line, e.column]).toEqual(['2_col.sql', head ? 4 : 3, 9]);
      expect(e.message).toMatch(/statement 2 .*column "nope" does not exist/);
    }
    expect(await executions()).toBe(2);
  });

  it('a file running alone (raw text or parsed) fails once, located at its statement', async () => {
    bed.dir.write({ '1_seq.sql': 'CREATE SEQUENCE runs;\n' });
    expect((await apply(base())).ok).toBe(true);
    bed.dir.write({ '2_div.sql': `${COUNT}\nSELECT 1/0;\n` });
    const raw = await apply(base());
    expect([(raw.error as Located).file, (raw.error as Located).line]).toEqual(['2_div.sql', 3]);
    expect(raw.error?.message).toMatch(/division by zero/);
    expect(await executions()).toBe(1);

    // the word "begin" makes the file parsed up front: it goes as its statements
    bed.dir.write({ '2_div.sql': `-- begin\n${COUNT}SELECT 1;\nSELECT 1/0;\n` });
    const parsed = await apply(base());
    expect([(parsed.error as Located).file, (parsed.error as Located).line]).toEqual(['2_div.sql', 4]);
    expect(await executions()).toBe(2);
  });

  it('a syntax error in a later file of a batch: nothing of the batch ran, the files before it run once', async () => {
    bed.dir.write({
      '1_seq.sql': 'CREATE SEQUENCE runs;\n',
      '2_count.sql': COUNT,
      '3_bad.sql': 'CREATE TABLE t (id int,);\n',
      '4_after.sql': COUNT,
    });
    const r = await apply(base());
    expect(r.migrations.map((m) => m.status)).toEqual(['applied', 'applied', 'failed', 'pending']);
    expect([(r.error as Located).file, (r.error as Located).line]).toEqual(['3_bad.sql', 1]);
    expect(r.error?.message).toMatch(/syntax error/);
    expect(await executions()).toBe(1);
  });

  it('a deferred constraint failing at COMMIT runs once and names the file', async () => {
    bed.dir.write({
      '1_seq.sql': [
        'CREATE SEQUENCE runs;',
        'CREATE TABLE p (id int PRIMARY KEY);',
        'CREATE TABLE c (p int REFERENCES p DEFERRABLE INITIALLY DEFERRED);',
        '',
      ].join('\n'),
      '2_orphan.sql': `${COUNT}INSERT INTO c VALUES (42);\n`,
    });
    const r = await apply(base());
    expect(r.ok).toBe(false);
    expect((r.error as Located).file).toBe('2_orphan.sql');
    expect(r.error?.message).toMatch(/foreign key constraint.*23503/);
    expect(await executions()).toBe(1);
  });

  it('lock timeouts: the batch attempt is the first try, lock-retries tries in all, and 1 means no retry', async () => {
    bed.dir.write({
      '1_seq.sql': 'CREATE SEQUENCE IF NOT EXISTS runs;\nCREATE TABLE IF NOT EXISTS t (id int);\n',
      '2_alter.sql': `${COUNT}ALTER TABLE t ADD COLUMN x int;\n`,
      '3_more.sql': 'CREATE TABLE w (id int);\n',
    });
    await rows(bed.db.url, 'CREATE SEQUENCE runs; CREATE TABLE t (id int)');
    const holder = await connect(bed.db.url, { applicationName: 'test lock holder' });
    try {
      await holder.query('BEGIN');
      await holder.query('LOCK TABLE t IN ACCESS SHARE MODE');
      // the three files go as one batch: 2_alter's lock timeout there is its first try
      const three = await apply({ ...base(), lockTimeoutMs: 100, lockRetries: 3 });
      expect(three.migrations.map((m) => m.status)).toEqual(['applied', 'failed', 'pending']);
      expect((three.error as Located).line).toBe(2);
      expect((three.error as Located).hint).toMatch(/tried 3 times/);
      expect(await executions()).toBe(3);

      // a fresh history table: the same batch again, with a single try
      const logger = new MemoryLogger();
      const one = await apply({ ...base(), logger, lockTimeoutMs: 100, lockRetries: 1, historyTable: 'ops.h1' });
      expect(one.migrations.map((m) => m.status)).toEqual(['applied', 'failed', 'pending']);
      expect((one.error as Located).line).toBe(2);
      expect((one.error as Located).hint).toMatch(/tried 1 time\b/);
      expect(logger.text()).not.toMatch(/lock timeout \(try/);
      expect(await executions()).toBe(4);
    } finally {
      await holder.end();
    }
  });
});
