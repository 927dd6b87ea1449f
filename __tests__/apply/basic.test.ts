import { apply, status } from '../../src/apply/index.js';
import { MemoryLogger } from '../../src/logger.js';
import { applyTestBed, exists, historyRows, rows, TempDir } from './fixtures.js';

const bed = applyTestBed('apply');
const base = bed.base;

describe('apply', () => {
  it('applies pending migrations once, records history, and a second run is a no-op', async () => {
    bed.dir.write({
      '1_users.sql': 'CREATE TABLE users (id int PRIMARY KEY);\n',
      '2_posts.sql':
        'CREATE TABLE posts (id int PRIMARY KEY, user_id int REFERENCES users);\nINSERT INTO users VALUES (1);\n',
    });
    const r = await apply(base());
    expect(r.error).toBeUndefined();
    expect(r.ok).toBe(true);
    expect(r.appliedCount).toBe(2);
    expect(r.pendingCount).toBe(0);
    expect(r.currentVersion).toBe('2');
    expect(r.migrations.map((m) => [m.file, m.status])).toEqual([
      ['1_users.sql', 'applied'],
      ['2_posts.sql', 'applied'],
    ]);
    const h = await historyRows(bed.db.url);
    expect(h.map((x) => [x.key, x.status])).toEqual([
      ['1', 'applied'],
      ['2', 'applied'],
    ]);
    expect(h[0]!.applied_by).toMatch(/^postgres \(/);
    expect(h[0]!.execution_ms).toBeGreaterThanOrEqual(0);

    const again = await apply(base());
    expect(again.ok).toBe(true);
    expect(again.appliedCount).toBe(0);
    expect(again.migrations).toEqual([]);
    expect(again.currentVersion).toBe('2');
    expect(await rows(bed.db.url, 'SELECT * FROM users')).toHaveLength(1);

    const s = await status(base());
    expect(s.ok).toBe(true);
    expect(s.migrations.map((m) => m.state)).toEqual(['applied', 'applied']);
    expect(await exists(bed.db.url, 'posts')).toBe(true);
  });
});

describe('validation', () => {
  it('refuses an applied migration that was edited, naming the file, and runs nothing', async () => {
    bed.dir.write({ '1_a.sql': 'CREATE TABLE a (id int);\n' });
    expect((await apply(base())).ok).toBe(true);
    bed.dir.write({ '1_a.sql': 'CREATE TABLE a (id int, x int);\n', '2_b.sql': 'CREATE TABLE b (id int);\n' });
    const r = await apply(base());
    expect(r.ok).toBe(false);
    expect(r.error?.message).toMatch(/already applied .* edited since: 1_a\.sql/);
    expect((r.error as { file?: string }).file).toBe('1_a.sql');
    expect(await exists(bed.db.url, 'b')).toBe(false);
    const s = await status(base());
    expect(s.migrations.map((m) => m.state)).toEqual(['checksum-mismatch', 'pending']);
  });

  it('accepts a change of line endings only (CRLF) and a BOM', async () => {
    bed.dir.write({ '1_a.sql': 'CREATE TABLE a (id int);\nCREATE TABLE a2 (id int);\n' });
    expect((await apply(base())).ok).toBe(true);
    bed.dir.write({ '1_a.sql': '\uFEFFCREATE TABLE a (id int);\r\nCREATE TABLE a2 (id int);\r\n' });
    const r = await apply(base());
    expect(r.error).toBeUndefined();
    expect(r.appliedCount).toBe(0);
  });

  it('refuses a pending migration that sorts before the latest applied one, unless allowOutOfOrder', async () => {
    bed.dir.write({ '1_a.sql': 'CREATE TABLE a (id int);\n', '3_c.sql': 'CREATE TABLE c (id int);\n' });
    expect((await apply(base())).ok).toBe(true);
    bed.dir.write({ '2_b.sql': 'CREATE TABLE b (id int);\n' });
    const refused = await apply(base());
    expect(refused.ok).toBe(false);
    expect(refused.error?.message).toMatch(/2_b\.sql sorts before the latest applied version 3/);
    expect(await exists(bed.db.url, 'b')).toBe(false);
    const allowed = await apply({ ...base(), allowOutOfOrder: true });
    expect(allowed.error).toBeUndefined();
    expect(allowed.appliedCount).toBe(1);
    expect(allowed.warnings.join('\n')).toMatch(/out of order/);
    expect(await exists(bed.db.url, 'b')).toBe(true);
    expect(allowed.currentVersion).toBe('3');
  });

  it('refuses a directory whose atlas.sum does not match, before connecting', async () => {
    bed.dir.write({
      '1_a.sql': 'CREATE TABLE a (id int);\n',
      'atlas.sum': 'h1:bm90IHRoZSBzdW0=\n1_a.sql h1:bm90IHRoZSBzdW0=\n',
    });
    const r = await apply({ ...base(), format: 'atlas' });
    expect(r.ok).toBe(false);
    expect(r.error?.message).toMatch(/atlas\.sum does not match/);
    expect((r.error as { file?: string }).file).toBe('atlas.sum');
    expect(await exists(bed.db.url, 'a')).toBe(false);
  });

  it('warns about applied migrations missing from the directory', async () => {
    bed.dir.write({ '1_a.sql': 'CREATE TABLE a (id int);\n', '2_b.sql': 'CREATE TABLE b (id int);\n' });
    expect((await apply(base())).ok).toBe(true);
    bed.dir.remove();
    bed.dir = new TempDir();
    bed.dir.write({ '1_a.sql': 'CREATE TABLE a (id int);\n' });
    const r = await apply(base());
    expect(r.ok).toBe(true);
    expect(r.warnings.join('\n')).toMatch(/applied migration 2 .* not in the directory/);
    const s = await status(base());
    expect(s.migrations.map((m) => m.state)).toEqual(['applied', 'missing-file']);
  });
});

describe('modes', () => {
  it('dry-run plans and writes nothing, not even the history schema', async () => {
    bed.dir.write({
      '1_a.sql': 'CREATE TABLE a (id int);\n',
      '2_b.sql': 'CREATE INDEX CONCURRENTLY b_idx ON a (id);\n',
    });
    const r = await apply({ ...base(), dryRun: true });
    expect(r.error).toBeUndefined();
    expect(r.dryRun).toBe(true);
    expect(r.appliedCount).toBe(0);
    expect(r.pendingCount).toBe(2);
    expect(r.migrations.map((m) => [m.file, m.status, m.transactional])).toEqual([
      ['1_a.sql', 'pending', true],
      ['2_b.sql', 'pending', false],
    ]);
    expect(await rows(bed.db.url, "SELECT 1 FROM pg_namespace WHERE nspname = 'db_action'")).toHaveLength(0);
    expect(await exists(bed.db.url, 'a')).toBe(false);
    // with an existing history, dry-run reads it
    expect((await apply(base())).appliedCount).toBe(2);
    bed.dir.write({ '3_c.sql': 'CREATE TABLE c (id int);\n' });
    const r2 = await apply({ ...base(), dryRun: true });
    expect(r2.migrations.map((m) => m.file)).toEqual(['3_c.sql']);
    expect(await exists(bed.db.url, 'c')).toBe(false);
  });

  it('verify runs transactional files in a transaction and rolls back; non-transactional ones are skipped', async () => {
    bed.dir.write({
      '1_a.sql': 'CREATE TABLE a (id int);\n',
      '2_b.sql': 'CREATE INDEX CONCURRENTLY a_idx ON a (id);\n',
      '3_c.sql': 'CREATE TABLE c (id int REFERENCES a (id));\n',
    });
    const r = await apply({ ...base(), verify: true });
    // 3_c references a(id) which has no unique index: verification finds the real error
    expect(r.ok).toBe(false);
    expect(r.migrations.map((m) => m.status)).toEqual(['verified', 'skipped', 'failed']);
    expect(r.error?.message).toMatch(/there is no unique constraint/);
    expect((r.error as { file?: string; line?: number }).file).toBe('3_c.sql');
    expect((r.error as { line?: number }).line).toBe(1);
    bed.dir.write({ '3_c.sql': 'CREATE TABLE c (id int);\n' });
    const ok = await apply({ ...base(), verify: true });
    expect(ok.error).toBeUndefined();
    expect(ok.migrations.map((m) => m.status)).toEqual(['verified', 'skipped', 'verified']);
    expect(ok.appliedCount).toBe(0);
    expect(ok.pendingCount).toBe(3);
    expect(await exists(bed.db.url, 'a')).toBe(false);
    expect(await exists(bed.db.url, 'db_action.schema_migrations')).toBe(false);
  });

  it('baseline records migrations up to a version without running them, then applies the rest', async () => {
    bed.dir.write({
      '1_a.sql': 'CREATE TABLE a (id int);\n',
      '2_b.sql': 'CREATE TABLE b (id int);\n',
      '3_c.sql': 'CREATE TABLE c (id int);\n',
    });
    await rows(bed.db.url, 'CREATE TABLE a (id int); CREATE TABLE b (id int)');
    const r = await apply({ ...base(), baseline: '2' });
    expect(r.error).toBeUndefined();
    expect(r.migrations.map((m) => [m.version, m.status])).toEqual([
      ['1', 'baseline'],
      ['2', 'baseline'],
      ['3', 'applied'],
    ]);
    expect(r.appliedCount).toBe(1);
    expect(r.currentVersion).toBe('3');
    expect((await historyRows(bed.db.url)).map((h) => [h.key, h.status])).toEqual([
      ['1', 'baseline'],
      ['2', 'baseline'],
      ['3', 'applied'],
    ]);
    const s = await status(base());
    expect(s.migrations.map((m) => m.state)).toEqual(['baseline', 'baseline', 'applied']);
  });

  it('refuses a history-table that exists but is not a db-action history table, naming it, and runs nothing', async () => {
    await rows(bed.db.url, 'CREATE TABLE public.a (id int)');
    bed.dir.write({ '1_b.sql': 'CREATE TABLE b (id int);\n' });
    for (const mode of [{}, { dryRun: true }, { verify: true }]) {
      const r = await apply({ ...base(), ...mode, historyTable: 'public.a' });
      expect(r.ok).toBe(false);
      expect(r.error?.name).toBe('DbActionError');
      expect(r.error?.message).toMatch(/^the history table public\.a exists but is not a db-action history table/);
      expect((r.error as { hint?: string }).hint).toMatch(/choose another history-table/);
    }
    const s = await status({ ...base(), historyTable: 'a' });
    expect(s.ok).toBe(false);
    expect(s.error?.message).toMatch(/public\.a exists but is not a db-action history table/);
    expect(await exists(bed.db.url, 'b')).toBe(false);
    expect(await rows(bed.db.url, 'SELECT count(*)::int AS n FROM public.a')).toEqual([{ n: 0 }]);
  });

  it('keeps history in a configurable table', async () => {
    bed.dir.write({ '1_a.sql': 'CREATE TABLE a (id int);\n' });
    const r = await apply({ ...base(), historyTable: 'ops.migration_log' });
    expect(r.error).toBeUndefined();
    expect((await historyRows(bed.db.url, 'ops.migration_log')).map((h) => h.key)).toEqual(['1']);
    expect(await exists(bed.db.url, 'db_action.schema_migrations')).toBe(false);
  });
});

describe('execution', () => {
  it('reports a failing statement with file, line, column and SQLSTATE, rolls the file back, records the failure, and a fixed rerun applies it', async () => {
    bed.dir.write({
      '1_a.sql': 'CREATE TABLE a (id int);\n',
      '2_b.sql': '-- comment\nCREATE TABLE b (id int);\n\nINSERT INTO b\n  SELECT nope FROM a;\n',
      '3_c.sql': 'CREATE TABLE c (id int);\n',
    });
    const logger = new MemoryLogger();
    const r = await apply({ ...base(), logger });
    expect(r.ok).toBe(false);
    const e = r.error as Error & { file?: string; line?: number; column?: number; hint?: string };
    expect(e.file).toBe('2_b.sql');
    expect(e.line).toBe(5);
    expect(e.column).toBe(10);
    expect(e.message).toMatch(/column "nope" does not exist \[SQLSTATE 42703\]/);
    expect(e.hint).toMatch(/rolled back/);
    expect(r.migrations.map((m) => m.status)).toEqual(['applied', 'failed', 'pending']);
    expect(r.appliedCount).toBe(1);
    expect(r.pendingCount).toBe(2);
    expect(r.currentVersion).toBe('1');
    expect(await exists(bed.db.url, 'b')).toBe(false);
    const h = await historyRows(bed.db.url);
    expect(h.map((x) => [x.key, x.status])).toEqual([
      ['1', 'applied'],
      ['2', 'failed'],
    ]);
    expect(h[1]!.error).toMatch(/2_b\.sql:5:10/);
    expect(h[1]!.failed_statement).toBe(1);
    expect((await status(base())).migrations.map((m) => m.state)).toEqual(['applied', 'failed', 'pending']);

    bed.dir.write({ '2_b.sql': '-- comment\nCREATE TABLE b (id int);\n\nINSERT INTO b\n  SELECT id FROM a;\n' });
    const logger2 = new MemoryLogger();
    const again = await apply({ ...base(), logger: logger2 });
    expect(again.error).toBeUndefined();
    expect(again.appliedCount).toBe(2);
    expect(logger2.text()).toMatch(/2_b\.sql: a previous run failed .*retrying it from scratch/);
    expect((await historyRows(bed.db.url)).map((x) => x.status)).toEqual(['applied', 'applied', 'applied']);
  });

  it('a syntax error in a batched file: the files before it apply, the error names its line, nothing after runs', async () => {
    const files: Record<string, string> = {};
    for (let v = 1; v <= 6; v++) files[`${v}_m.sql`] = `CREATE TABLE t${v} (id int);\n`;
    files['4_m.sql'] = 'CREATE TABLE t4 (id int);\n\nCREATE TABLE t4b (id int,);\n';
    bed.dir.write(files);
    const r = await apply(base());
    expect(r.ok).toBe(false);
    const e = r.error as Error & { file?: string; line?: number };
    expect([e.file, e.line]).toEqual(['4_m.sql', 3]);
    expect(e.message).toMatch(/syntax error/);
    expect(r.migrations.map((m) => m.status)).toEqual([
      'applied',
      'applied',
      'applied',
      'failed',
      'pending',
      'pending',
    ]);
    expect((await historyRows(bed.db.url)).map((h) => [h.key, h.status])).toEqual([
      ['1', 'applied'],
      ['2', 'applied'],
      ['3', 'applied'],
      ['4', 'failed'],
    ]);
    expect(await exists(bed.db.url, 't5')).toBe(false);
  });

  it("records each batched file's own execution time (not the time since the batch started)", async () => {
    bed.dir.write({
      '1_a.sql': 'SELECT pg_sleep(0.3);\n',
      '2_b.sql': 'SELECT pg_sleep(0.3);\n',
      '3_c.sql': 'SELECT pg_sleep(0.3);\n',
    });
    const r = await apply(base());
    expect(r.error).toBeUndefined();
    const h = await historyRows(bed.db.url);
    for (const x of h) {
      expect(x.execution_ms).toBeGreaterThanOrEqual(290);
      expect(x.execution_ms).toBeLessThan(600);
    }
    for (const m of r.migrations) expect(m.durationMs).toBeLessThan(600);
  });

  it("a file that does not parse stops the run when it is reached, with the parser's line", async () => {
    bed.dir.write({
      '1_a.sql': 'CREATE TABLE a (id int);\n',
      '2_b.sql': 'CREATE TABLE b (id int);\n',
      '3_idx.sql': '-- index\nCREATE INDEX CONCURRENTLY a_id ON a (id;\n',
    });
    const r = await apply(base());
    expect(r.ok).toBe(false);
    const e = r.error as Error & { file?: string; line?: number };
    expect([e.file, e.line]).toEqual(['3_idx.sql', 2]);
    expect(r.migrations.map((m) => m.status)).toEqual(['applied', 'applied', 'failed']);
  });

  it('dbmate files: only the up section runs, errors carry the line in the file', async () => {
    bed.dir.write({
      '20240101000000_a.sql': '-- migrate:up\nCREATE TABLE a (id int);\n\n-- migrate:down\nDROP TABLE a;\n',
      '20240102000000_b.sql':
        '-- migrate:up\nCREATE TABLE b (id int);\nINSERT INTO b SELECT nope FROM a;\n-- migrate:down\nDROP TABLE b;\n',
    });
    const r = await apply({ ...base(), format: 'dbmate' });
    expect(r.ok).toBe(false);
    const e = r.error as Error & { file?: string; line?: number; column?: number };
    expect([e.file, e.line, e.column]).toEqual(['20240102000000_b.sql', 3, 22]);
    expect(await exists(bed.db.url, 'a')).toBe(true);
  });

  it('locates errors without a position (constraint violations) at their statement, without rerunning anything', async () => {
    bed.dir.write({
      '1_a.sql': 'CREATE TABLE a (id int PRIMARY KEY);\nINSERT INTO a VALUES (1);\n\nINSERT INTO a VALUES (1);\n',
    });
    const r = await apply(base());
    expect(r.ok).toBe(false);
    const e = r.error as Error & { file?: string; line?: number };
    expect([e.file, e.line]).toEqual(['1_a.sql', 4]);
    expect(e.message).toMatch(/statement 3 .*duplicate key.*\[SQLSTATE 23505\]/);
    expect(await exists(bed.db.url, 'a')).toBe(false);
  });

  it('a DO block that commits by itself: the hint says how to run the file without a transaction', async () => {
    bed.dir.write({ '1_a.sql': 'CREATE TABLE a (id int);\nDO $$ BEGIN INSERT INTO a VALUES (1); COMMIT; END $$;\n' });
    const r = await apply(base());
    expect(r.ok).toBe(false);
    expect((r.error as { line?: number }).line).toBe(2);
    expect(r.error?.message).toMatch(/SQLSTATE 2D000/);
    expect((r.error as { hint?: string }).hint).toMatch(/db-action:tx-mode none/);
    bed.dir.write({
      '1_a.sql':
        '-- db-action:tx-mode none\nCREATE TABLE a (id int);\nDO $$ BEGIN INSERT INTO a VALUES (1); COMMIT; END $$;\n',
    });
    const ok = await apply(base());
    expect(ok.error).toBeUndefined();
    expect(await rows(bed.db.url, 'SELECT id FROM a')).toEqual([{ id: 1 }]);
  });

  it('runs files with explicit BEGIN/COMMIT inside its own transaction (a later failure rolls back everything)', async () => {
    bed.dir.write({
      '1_a.sql': 'BEGIN;\nCREATE TABLE a (id int);\nCOMMIT;\nCREATE TABLE a2 (id int);\nSELECT 1/0;\n',
    });
    const logger = new MemoryLogger();
    const r = await apply({ ...base(), logger });
    expect(r.ok).toBe(false);
    expect((r.error as { line?: number }).line).toBe(5);
    expect(logger.text()).toMatch(/skipping 2 transaction control statement\(s\) .*lines 1, 3/);
    expect(await exists(bed.db.url, 'a')).toBe(false);
    bed.dir.write({ '1_a.sql': 'BEGIN;\nCREATE TABLE a (id int);\nCOMMIT;\nCREATE TABLE a2 (id int);\n' });
    const ok = await apply(base());
    expect(ok.error).toBeUndefined();
    expect(await exists(bed.db.url, 'a2')).toBe(true);
  });

  it('re-runs repeatable (flyway R__) migrations when their checksum changes, after the versioned ones', async () => {
    bed.dir.write({
      'V1__t.sql': 'CREATE TABLE t (id int);\nCREATE TABLE runs (n int);\n',
      'R__v.sql': 'CREATE OR REPLACE VIEW v AS SELECT id FROM t;\nINSERT INTO runs VALUES (1);\n',
    });
    const opts = { ...base(), format: 'flyway' as const };
    const r = await apply(opts);
    expect(r.error).toBeUndefined();
    expect(r.migrations.map((m) => m.file)).toEqual(['V1__t.sql', 'R__v.sql']);
    expect((await apply(opts)).appliedCount).toBe(0);
    bed.dir.write({
      'R__v.sql': 'CREATE OR REPLACE VIEW v AS SELECT id, id + 1 AS next FROM t;\nINSERT INTO runs VALUES (2);\n',
    });
    expect((await status(opts)).migrations.map((m) => m.state)).toEqual(['applied', 'outdated']);
    const again = await apply(opts);
    expect(again.error).toBeUndefined();
    expect(again.migrations.map((m) => [m.file, m.status])).toEqual([['R__v.sql', 'applied']]);
    expect(await rows(bed.db.url, 'SELECT n FROM runs ORDER BY n')).toEqual([{ n: 1 }, { n: 2 }]);
    expect((await historyRows(bed.db.url)).map((h) => h.key)).toEqual(['1', 'R:v']);
  });
});
