/** `verify` (apply --verify): the timeouts hold on every statement it runs, and failures are located. */
import { apply } from '../../src/apply/index.js';
import { connect } from '../../src/db/client.js';
import { applyTestBed, rows } from './fixtures.js';

const bed = applyTestBed('apply_verify');
const base = bed.base;

type Located = Error & { file?: string; line?: number };

/** Whether a reader gets at `a` within 300 ms (it queues behind an ALTER waiting for its lock). */
async function readerGetsThrough(url: string): Promise<boolean> {
  const reader = await connect(url, { applicationName: 'test reader' });
  try {
    await reader.query("SET lock_timeout = '300ms'");
    await reader.query('SELECT count(*) FROM a');
    return true;
  } catch {
    return false;
  } finally {
    await reader.end();
  }
}

describe('verify', () => {
  it('keeps lock_timeout on every statement: a locked table fails fast at the located line and never blocks readers', async () => {
    bed.dir.write({ '1_a.sql': 'CREATE TABLE a (id int);\n' });
    expect((await apply(base())).ok).toBe(true);
    bed.dir.write({ '2_q.sql': 'SELECT 1;\n\nALTER TABLE a ADD COLUMN q int;\n' });
    const holder = await connect(bed.db.url, { applicationName: 'test lock holder' });
    // the holder lets go after 4 s at the latest, so a verify that waits without a limit ends too
    const release = setTimeout(() => void holder.query('COMMIT').catch(() => undefined), 4000);
    try {
      await holder.query('BEGIN');
      await holder.query('LOCK TABLE a IN ACCESS SHARE MODE');
      const t0 = Date.now();
      const running = apply({ ...base(), verify: true, lockTimeoutMs: 500 });
      await new Promise((res) => setTimeout(res, 900));
      const readerOk = await readerGetsThrough(bed.db.url);
      const r = await running;
      expect(Date.now() - t0).toBeLessThan(2500);
      expect(readerOk).toBe(true);
      expect(r.ok).toBe(false);
      expect(r.migrations.map((m) => m.status)).toEqual(['failed']);
      const e = r.error as Located;
      expect([e.file, e.line]).toEqual(['2_q.sql', 3]);
      expect(e.message).toMatch(/statement 2 \(ALTER TABLE a ADD COLUMN q int\) failed: .*lock timeout.*55P03/);
    } finally {
      clearTimeout(release);
      await holder.end();
    }
    expect(
      await rows(
        bed.db.url,
        "SELECT count(*)::int AS n FROM pg_attribute WHERE attrelid = 'a'::regclass AND attname = 'q'",
      ),
    ).toEqual([{ n: 0 }]);
  });

  it('keeps statement_timeout on every statement and reports the located error', async () => {
    // the only pending file: no earlier file's settings are left in the verify transaction
    bed.dir.write({ '1_a.sql': 'CREATE TABLE a (id int);\n' });
    expect((await apply(base())).ok).toBe(true);
    bed.dir.write({ '2_slow.sql': 'SELECT 1;\nSELECT pg_sleep(3);\n' });
    const t0 = Date.now();
    const r = await apply({ ...base(), verify: true, statementTimeoutMs: 500 });
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(r.migrations.map((m) => m.status)).toEqual(['failed']);
    const e = r.error as Located;
    expect([e.file, e.line]).toEqual(['2_slow.sql', 2]);
    expect(e.message).toMatch(/statement timeout.*57014/);
  });

  it('a position-less error (constraint violation) is located at its statement', async () => {
    bed.dir.write({
      '1_a.sql': 'CREATE TABLE a (id int PRIMARY KEY);\n',
      '2_dup.sql': 'INSERT INTO a VALUES (1);\n\nINSERT INTO a VALUES (1);\n',
    });
    const r = await apply({ ...base(), verify: true });
    const e = r.error as Located;
    expect([e.file, e.line]).toEqual(['2_dup.sql', 3]);
    expect(e.message).toMatch(/duplicate key.*23505/);
    expect(await rows(bed.db.url, "SELECT to_regclass('a') IS NULL AS gone")).toEqual([{ gone: true }]);
  });
});
