import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { isCancelled } from '../../src/apply/abort.js';
import { apply } from '../../src/apply/index.js';
import { lockKeys } from '../../src/apply/lock.js';
import { connect } from '../../src/db/client.js';
import { MemoryLogger } from '../../src/logger.js';
import { applyTestBed, historyRows, rows } from './fixtures.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

const bed = applyTestBed('apply_crash');
const base = bed.base;

/** Waits until a backend of `db` runs a query matching `pattern`; returns its pid. */
async function waitForQuery(pattern: string, timeoutMs = 20_000): Promise<number> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const r = await rows<{ pid: number }>(
      bed.db.url,
      "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND state = 'active' AND query LIKE $1 AND pid <> pg_backend_pid()",
      [`%${pattern}%`],
    );
    if (r[0]) return r[0].pid;
    await new Promise((res) => setTimeout(res, 50));
  }
  throw new Error(`no backend ran ${pattern}`);
}

/**
 * Waits until a backend of `db` sleeps in pg_sleep (found by wait event: batched files share one long
 * query string, longer than pg_stat_activity shows); returns its pid.
 */
async function waitForSleep(timeoutMs = 20_000): Promise<number> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const r = await rows<{ pid: number }>(
      bed.db.url,
      "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND wait_event = 'PgSleep' AND pid <> pg_backend_pid()",
    );
    if (r[0]) return r[0].pid;
    await new Promise((res) => setTimeout(res, 50));
  }
  throw new Error('no backend sleeps');
}

const SLEEP = 'pg_sleep(30)';

/** A logger that cancels the run (its controller) 100 ms after apply says it is retrying after a lock timeout. */
function abortOnRetry(): { controller: AbortController; logger: MemoryLogger } {
  const controller = new AbortController();
  const logger = new MemoryLogger();
  const warn = logger.warn.bind(logger);
  logger.warn = (m: string) => {
    warn(m);
    if (/retrying in/.test(m)) setTimeout(() => controller.abort(), 100);
  };
  return { controller, logger };
}

describe('backend terminated mid-migration', () => {
  it('transactional file: rolled back, nothing recorded, lock gone, a rerun applies it cleanly', async () => {
    bed.dir.write({
      '1_side.sql': 'CREATE TABLE side (n int);\n',
      '2_slow.sql': `INSERT INTO side VALUES (2);\nCREATE TABLE t2 (id int);\nSELECT ${SLEEP};\n`,
    });
    const running = apply(base());
    const pid = await waitForSleep();
    await rows(bed.db.url, 'SELECT pg_terminate_backend($1)', [pid]);
    const r = await running;
    expect(r.ok).toBe(false);
    expect((r.error as { hint?: string }).hint).toMatch(/connection was lost .* rolled back; rerun apply/);
    expect(r.migrations.map((m) => m.status)).toEqual(['applied', 'failed']);
    expect(await rows(bed.db.url, 'SELECT n FROM side')).toEqual([]);
    expect((await historyRows(bed.db.url)).map((h) => h.key)).toEqual(['1']);

    bed.dir.write({ '2_slow.sql': 'INSERT INTO side VALUES (2);\nCREATE TABLE t2 (id int);\nSELECT pg_sleep(0);\n' });
    const again = await apply(base());
    expect(again.error).toBeUndefined();
    expect(again.appliedCount).toBe(1);
    expect(await rows(bed.db.url, 'SELECT n FROM side')).toEqual([{ n: 2 }]);
  });

  it('non-transactional file: statements done stay recorded, the rerun resumes after them', async () => {
    bed.dir.write({
      '1_side.sql': 'CREATE TABLE side (n int);\n',
      '2_slow.sql': `-- db-action:tx-mode none\nINSERT INTO side VALUES (1);\nSELECT ${SLEEP};\nINSERT INTO side VALUES (3);\n`,
    });
    const running = apply(base());
    const pid = await waitForQuery(SLEEP);
    await rows(bed.db.url, 'SELECT pg_terminate_backend($1)', [pid]);
    const r = await running;
    expect(r.ok).toBe(false);
    expect((r.error as { line?: number }).line).toBe(3);
    expect((r.error as { hint?: string }).hint).toMatch(/connection was lost.*resume/);
    const h = (await historyRows(bed.db.url))[1]!;
    expect([h.status, h.statements_done]).toEqual(['running', 1]);

    bed.dir.write({
      '2_slow.sql': `-- db-action:tx-mode none\nINSERT INTO side VALUES (1);\nSELECT pg_sleep(0);\nINSERT INTO side VALUES (3);\n`,
    });
    // resuming runs the interrupted statement again; if that fails, the hint says how to mark it done
    bed.dir.write({
      '2_slow.sql': `-- db-action:tx-mode none\nINSERT INTO side VALUES (1);\nSELECT 1/0;\nINSERT INTO side VALUES (3);\n`,
    });
    const hinted = await apply(base());
    expect(hinted.ok).toBe(false);
    expect((hinted.error as { hint?: string }).hint).toMatch(
      /previous run died while running this statement; .*UPDATE "db_action"\."schema_migrations" SET statements_done = 2 WHERE key = '2'/,
    );
    await rows(bed.db.url, "UPDATE db_action.schema_migrations SET status = 'running' WHERE key = '2'");
    bed.dir.write({
      '2_slow.sql': `-- db-action:tx-mode none\nINSERT INTO side VALUES (1);\nSELECT pg_sleep(0);\nINSERT INTO side VALUES (3);\n`,
    });
    // the done statement is unchanged, so resuming is allowed although the file changed
    const again = await apply(base());
    expect(again.error).toBeUndefined();
    expect(again.migrations[0]?.resumedFrom).toBe(1);
    expect(await rows(bed.db.url, 'SELECT n FROM side ORDER BY n')).toEqual([{ n: 1 }, { n: 3 }]);
  });
});

describe('process killed (SIGKILL) mid-migration', () => {
  function child(): ReturnType<typeof spawn> {
    return spawn(
      process.execPath,
      [
        // transform (not only strip) types: some sources use TypeScript parameter properties
        '--experimental-transform-types',
        '--no-warnings',
        '--import',
        './__tests__/helpers/register-ts.mjs',
        '__tests__/apply/child-apply.ts',
      ],
      {
        cwd: root,
        env: { ...process.env, CHILD_DATABASE_URL: bed.db.url, CHILD_DIR: bed.dir.path },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
  }

  async function exit(
    p: ReturnType<typeof spawn>,
  ): Promise<{ code: number | null; signal: string | null; out: string }> {
    let out = '';
    p.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr?.on('data', (d: Buffer) => (out += d.toString()));
    return new Promise((res) => p.on('exit', (code, signal) => res({ code, signal, out })));
  }

  it('consistent state (each migration applied once or not at all) and a clean rerun, for tx and non-tx files', async () => {
    bed.dir.write({
      '1_side.sql': 'CREATE TABLE side (n int);\n',
      '2_tx.sql': 'INSERT INTO side VALUES (2);\nSELECT pg_sleep(1.5);\n',
      '3_nontx.sql':
        '-- db-action:tx-mode none\nINSERT INTO side VALUES (31);\nSELECT pg_sleep(1.6);\nINSERT INTO side VALUES (32);\n',
    });
    // kill during the transactional file
    let p = child();
    let done = exit(p);
    await waitForSleep();
    p.kill('SIGKILL');
    expect((await done).signal).toBe('SIGKILL');
    // kill during the non-transactional file (a new child waits for the dead one's backend to let go of the lock)
    p = child();
    done = exit(p);
    await waitForQuery('pg_sleep(1.6)');
    p.kill('SIGKILL');
    expect((await done).signal).toBe('SIGKILL');
    // consistent: the transactional file is recorded iff its effect is there (here the server, not
    // noticing the dead client, finished the one-round-trip BEGIN..COMMIT); the non-transactional one
    // is `running` with its done statements recorded
    const mid = await historyRows(bed.db.url);
    const side = await rows<{ n: number }>(bed.db.url, 'SELECT n FROM side ORDER BY n');
    expect(mid.some((h) => h.key === '2' && h.status === 'applied')).toBe(side.some((r) => r.n === 2));
    expect(mid.find((h) => h.key === '3')).toMatchObject({ status: 'running', statements_done: 1 });
    expect(side.filter((r) => r.n === 31)).toHaveLength(1);

    // a clean rerun in a fresh process
    p = child();
    const result = await exit(p);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.out.trim().split('\n').pop()!)).toMatchObject({ ok: true });
    expect(await rows(bed.db.url, 'SELECT n, count(*)::int AS c FROM side GROUP BY n ORDER BY n')).toEqual([
      { n: 2, c: 1 },
      { n: 31, c: 1 },
      { n: 32, c: 1 },
    ]);
    expect((await historyRows(bed.db.url)).map((h) => h.status)).toEqual(['applied', 'applied', 'applied']);
  });
});

describe('8 concurrent apply processes', () => {
  it('every migration runs exactly once', async () => {
    const files: Record<string, string> = { '1_side.sql': 'CREATE TABLE side (version int);\n' };
    for (let v = 2; v <= 9; v++) {
      files[`${v}_m.sql`] =
        v % 3 === 0
          ? `CREATE INDEX CONCURRENTLY side_${v} ON side (version);\nINSERT INTO side VALUES (${v});\n`
          : `INSERT INTO side VALUES (${v});\n`;
    }
    bed.dir.write(files);
    const procs = Array.from({ length: 8 }, () =>
      spawn(
        process.execPath,
        [
          '--experimental-transform-types',
          '--no-warnings',
          '--import',
          './__tests__/helpers/register-ts.mjs',
          '__tests__/apply/child-apply.ts',
        ],
        {
          cwd: root,
          env: { ...process.env, CHILD_DATABASE_URL: bed.db.url, CHILD_DIR: bed.dir.path },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      ),
    );
    const results = await Promise.all(
      procs.map(
        (p) =>
          new Promise<{ code: number | null; out: string }>((res) => {
            let out = '';
            p.stdout?.on('data', (d: Buffer) => (out += d.toString()));
            p.on('exit', (code) => res({ code, out }));
          }),
      ),
    );
    for (const r of results) expect(r.code).toBe(0);
    const applied = results.map(
      (r) => (JSON.parse(r.out.trim().split('\n').pop()!) as { appliedCount: number }).appliedCount,
    );
    expect(applied.reduce((a, b) => a + b, 0)).toBe(9);
    expect(
      await rows(bed.db.url, 'SELECT version, count(*)::int AS n FROM side GROUP BY version ORDER BY version'),
    ).toEqual(Array.from({ length: 8 }, (_, i) => ({ version: i + 2, n: 1 })));
  });
});

describe('cancellation (AbortSignal, wired to SIGINT/SIGTERM by the adapters)', () => {
  it('cancels the running query, records the failure, releases the lock', async () => {
    bed.dir.write({
      '1_side.sql': 'CREATE TABLE side (n int);\n',
      '2_slow.sql': `INSERT INTO side VALUES (2);\nSELECT ${SLEEP};\n`,
    });
    const controller = new AbortController();
    const t0 = Date.now();
    const running = apply({ ...base(), signal: controller.signal });
    await waitForSleep();
    controller.abort();
    const r = await running;
    expect(Date.now() - t0).toBeLessThan(10_000);
    expect(r.ok).toBe(false);
    expect(isCancelled(r.error)).toBe(true);
    expect(r.error?.message).toMatch(/apply was cancelled while running 2_slow\.sql/);
    const h = await historyRows(bed.db.url);
    expect(h.map((x) => [x.key, x.status])).toEqual([
      ['1', 'applied'],
      ['2', 'failed'],
    ]);
    expect(h[1]!.error).toMatch(/cancelled/);
    expect(await rows(bed.db.url, 'SELECT n FROM side')).toEqual([]);
    expect(
      await rows(
        bed.db.url,
        "SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND database = (SELECT oid FROM pg_database WHERE datname = current_database())",
      ),
    ).toEqual([{ n: 0 }]);
    expect(
      await rows(
        bed.db.url,
        "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND query LIKE '%pg_sleep(30)%' AND pid <> pg_backend_pid()",
      ),
    ).toEqual([{ n: 0 }]);
  });

  it('in a non-transactional file: the statement is cancelled and the rerun resumes at it', async () => {
    bed.dir.write({
      '1_slow.sql': `CREATE TABLE side (n int);\nCREATE INDEX CONCURRENTLY side_n ON side (n);\nSELECT ${SLEEP};\nINSERT INTO side VALUES (3);\n`,
    });
    const controller = new AbortController();
    const running = apply({ ...base(), signal: controller.signal });
    await waitForQuery(SLEEP);
    controller.abort();
    const r = await running;
    expect(isCancelled(r.error)).toBe(true);
    expect((r.error as { line?: number }).line).toBe(3);
    const h = (await historyRows(bed.db.url))[0]!;
    expect([h.status, h.statements_done, h.failed_statement]).toEqual(['failed', 2, 2]);
    bed.dir.write({
      '1_slow.sql': `CREATE TABLE side (n int);\nCREATE INDEX CONCURRENTLY side_n ON side (n);\nSELECT 1;\nINSERT INTO side VALUES (3);\n`,
    });
    const again = await apply(base());
    expect(again.error).toBeUndefined();
    expect(again.migrations[0]?.resumedFrom).toBe(2);
    expect(await rows(bed.db.url, 'SELECT n FROM side')).toEqual([{ n: 3 }]);
  });

  it('during the backoff between lock-timeout retries: the failure is recorded as cancelled, and the message says so', async () => {
    bed.dir.write({ '1_a.sql': 'CREATE TABLE a (id int);\n' });
    expect((await apply(base())).ok).toBe(true);
    // two pending files: the batch's lock timeout is the first try, the backoff follows
    bed.dir.write({ '2_z.sql': 'ALTER TABLE a ADD COLUMN z int;\n', '3_w.sql': 'CREATE TABLE w (id int);\n' });
    const holder = await connect(bed.db.url, { applicationName: 'test lock holder' });
    try {
      await holder.query('BEGIN');
      await holder.query('LOCK TABLE a IN ACCESS SHARE MODE');
      const { controller, logger } = abortOnRetry();
      const t0 = Date.now();
      const r = await apply({
        ...base(),
        logger,
        lockTimeoutMs: 300,
        lockRetries: 3,
        lockRetryDelayMs: 20_000,
        signal: controller.signal,
      });
      expect(Date.now() - t0).toBeLessThan(5000);
      expect(isCancelled(r.error)).toBe(true);
      const e = r.error as Error & { file?: string; line?: number; hint?: string };
      expect(e.message).toMatch(
        /apply was cancelled while waiting to retry 2_z\.sql after a lock timeout \(try 1 of 3\)/,
      );
      expect([e.file, e.line]).toEqual(['2_z.sql', 1]);
      expect(e.hint).toMatch(/waiting to retry after a lock timeout\); the failure is recorded/);
      expect(r.migrations.map((m) => [m.file, m.status])).toEqual([
        ['2_z.sql', 'failed'],
        ['3_w.sql', 'pending'],
      ]);
      const h = await historyRows(bed.db.url);
      expect(h.map((x) => [x.key, x.status])).toEqual([
        ['1', 'applied'],
        ['2', 'failed'],
      ]);
      expect(h[1]!.error).toMatch(/cancelled while waiting to retry/);
      expect(h[1]!.failed_statement).toBe(0);
    } finally {
      await holder.end();
    }
  });

  it('during the backoff in a non-transactional file: recorded as cancelled at that statement, and a rerun resumes there', async () => {
    bed.dir.write({ '1_a.sql': 'CREATE TABLE a (id int);\nCREATE TABLE side (n int);\n' });
    expect((await apply(base())).ok).toBe(true);
    bed.dir.write({
      '2_z.sql': '-- db-action:tx-mode none\nINSERT INTO side VALUES (1);\nALTER TABLE a ADD COLUMN z int;\n',
    });
    const holder = await connect(bed.db.url, { applicationName: 'test lock holder' });
    let r;
    try {
      await holder.query('BEGIN');
      await holder.query('LOCK TABLE a IN ACCESS SHARE MODE');
      const { controller, logger } = abortOnRetry();
      r = await apply({
        ...base(),
        logger,
        lockTimeoutMs: 300,
        lockRetryDelayMs: 20_000,
        signal: controller.signal,
      });
    } finally {
      await holder.end();
    }
    expect(isCancelled(r.error)).toBe(true);
    expect(r.error?.message).toMatch(
      /apply was cancelled while waiting to retry 2_z\.sql after a lock timeout \(try 1 of 3\)/,
    );
    expect((r.error as { line?: number }).line).toBe(3);
    const h = (await historyRows(bed.db.url))[1]!;
    expect([h.status, h.statements_done, h.failed_statement]).toEqual(['failed', 1, 1]);
    expect(h.error).toMatch(/cancelled while waiting to retry/);
    const again = await apply(base());
    expect(again.error).toBeUndefined();
    expect(again.migrations[0]?.resumedFrom).toBe(1);
    expect(await rows(bed.db.url, 'SELECT n FROM side')).toEqual([{ n: 1 }]);
  });

  it('before any migration ran (waiting for the advisory lock): nothing is recorded and the hint does not claim it was', async () => {
    bed.dir.write({ '1_a.sql': 'CREATE TABLE a (id int);\n' });
    const holder = await connect(bed.db.url, { applicationName: 'the other deploy' });
    try {
      const [k1, k2] = lockKeys('db_action.schema_migrations');
      await holder.query('SELECT pg_advisory_lock($1, $2)', [k1, k2]);
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 300);
      const r = await apply({ ...base(), lockWaitMs: 20_000, signal: controller.signal });
      expect(isCancelled(r.error)).toBe(true);
      const hint = (r.error as { hint?: string }).hint ?? '';
      expect(hint).not.toMatch(/failure recorded/);
      expect(hint).toMatch(/nothing was run or recorded/);
    } finally {
      await holder.end();
    }
    expect(await rows(bed.db.url, "SELECT to_regclass('db_action.schema_migrations') IS NULL AS none")).toEqual([
      { none: true },
    ]);
  });
});
