import { apply } from '../../src/apply/index.js';
import { lockKeys } from '../../src/apply/lock.js';
import { connect } from '../../src/db/client.js';
import { MemoryLogger } from '../../src/logger.js';
import { applyTestBed, historyRows, rows } from './fixtures.js';

const bed = applyTestBed('apply_locks');
const base = bed.base;

describe('lock timeouts on migration statements', () => {
  it('a table locked by another session: bounded waits, retries with backoff, then a clear failure naming the file and line', async () => {
    bed.dir.write({ '1_t.sql': 'CREATE TABLE t (id int);\n' });
    expect((await apply(base())).ok).toBe(true);
    // two pending files: they go as one batch first, whose lock timeout counts as the first try
    bed.dir.write({
      '2_alter.sql': 'CREATE TABLE u (id int);\n\nALTER TABLE t ADD COLUMN x int;\n',
      '3_more.sql': 'CREATE TABLE w (id int);\n',
    });
    const holder = await connect(bed.db.url, { applicationName: 'test lock holder' });
    try {
      await holder.query('BEGIN');
      await holder.query('LOCK TABLE t IN ACCESS SHARE MODE');
      const logger = new MemoryLogger();
      const t0 = Date.now();
      const r = await apply({ ...base(), logger, lockTimeoutMs: 200, lockRetries: 3, lockRetryDelayMs: 50 });
      const took = Date.now() - t0;
      expect(r.ok).toBe(false);
      const e = r.error as Error & { file?: string; line?: number; hint?: string };
      expect([e.file, e.line]).toEqual(['2_alter.sql', 3]);
      expect(e.message).toMatch(/lock timeout.*\[SQLSTATE 55P03\]/);
      expect(e.hint).toMatch(/tried 3 times/);
      expect(logger.text()).toMatch(/lock timeout \(try 1 of 3\); retrying in 50ms/);
      expect(logger.text()).toMatch(/lock timeout \(try 2 of 3\); retrying in 100ms/);
      expect(took).toBeLessThan(5000);
      expect(logger.text().match(/lock timeout \(try/g)).toHaveLength(2);
      expect(await rows(bed.db.url, "SELECT to_regclass('u') IS NOT NULL AS ok")).toEqual([{ ok: false }]);
      expect((await historyRows(bed.db.url)).map((h) => [h.key, h.status])).toEqual([
        ['1', 'applied'],
        ['2', 'failed'],
      ]);
    } finally {
      await holder.end();
    }
  });

  it('succeeds on a retry once the other session lets go', async () => {
    bed.dir.write({ '1_t.sql': 'CREATE TABLE t (id int);\n' });
    expect((await apply(base())).ok).toBe(true);
    bed.dir.write({
      '2_alter.sql': 'ALTER TABLE t ADD COLUMN x int;\n',
      '3_idx.sql': 'CREATE INDEX CONCURRENTLY t_x ON t (x);\n',
    });
    const holder = await connect(bed.db.url, { applicationName: 'test lock holder' });
    try {
      await holder.query('BEGIN');
      await holder.query('LOCK TABLE t IN ACCESS SHARE MODE');
      // let go as soon as apply reports its first lock timeout
      const logger = new MemoryLogger();
      const warn = logger.warn.bind(logger);
      logger.warn = (m: string) => {
        warn(m);
        if (/lock timeout/.test(m)) void holder.query('COMMIT');
      };
      const r = await apply({ ...base(), logger, lockTimeoutMs: 200, lockRetries: 5, lockRetryDelayMs: 100 });
      expect(r.error).toBeUndefined();
      expect(r.migrations[0]?.retries).toBeGreaterThan(0);
      expect(r.appliedCount).toBe(2);
    } finally {
      await holder.end();
    }
  });
});

describe('advisory lock', () => {
  it('waits a bounded time for another apply and names the session holding the lock', async () => {
    bed.dir.write({ '1_t.sql': 'CREATE TABLE t (id int);\n' });
    const holder = await connect(bed.db.url, { applicationName: 'the other deploy' });
    try {
      const [k1, k2] = lockKeys('db_action.schema_migrations');
      await holder.query('SELECT pg_advisory_lock($1, $2)', [k1, k2]);
      const pid = (await holder.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
      const t0 = Date.now();
      const r = await apply({ ...base(), lockWaitMs: 400 });
      expect(Date.now() - t0).toBeLessThan(3000);
      expect(r.ok).toBe(false);
      expect(r.error?.message).toContain(`held by pid ${pid}, application "the other deploy"`);
      expect(await rows(bed.db.url, "SELECT to_regclass('t') IS NOT NULL AS ok")).toEqual([{ ok: false }]);
      // no transaction was held while waiting, and the lock is free again for the holder's next deploy
      await holder.query('SELECT pg_advisory_unlock($1, $2)', [k1, k2]);
      const ok = await apply({ ...base(), lockWaitMs: 400 });
      expect(ok.error).toBeUndefined();
    } finally {
      await holder.end();
    }
  });

  it('8 concurrent applies: every migration runs exactly once', async () => {
    const files: Record<string, string> = { '1_side.sql': 'CREATE TABLE side (version int);\n' };
    for (let v = 2; v <= 12; v++) {
      files[`${v}_m.sql`] =
        v % 4 === 0
          ? `CREATE INDEX CONCURRENTLY side_${v} ON side (version);\nINSERT INTO side VALUES (${v});\n`
          : `INSERT INTO side VALUES (${v});\nSELECT pg_sleep(0.02);\n`;
    }
    bed.dir.write(files);
    const results = await Promise.all(Array.from({ length: 8 }, () => apply({ ...base(), lockWaitMs: 60_000 })));
    for (const r of results) expect(r.error).toBeUndefined();
    expect(results.reduce((n, r) => n + r.appliedCount, 0)).toBe(12);
    const counts = await rows<{ version: number; n: string }>(
      bed.db.url,
      'SELECT version, count(*) AS n FROM side GROUP BY version ORDER BY version',
    );
    expect(counts).toEqual(Array.from({ length: 11 }, (_, i) => ({ version: i + 2, n: '1' })));
    expect((await historyRows(bed.db.url)).every((h) => h.status === 'applied')).toBe(true);
    expect(
      await rows(
        bed.db.url,
        "SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND database = (SELECT oid FROM pg_database WHERE datname = current_database())",
      ),
    ).toEqual([{ n: 0 }]);
  });
});
