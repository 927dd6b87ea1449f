import { apply } from '../../src/apply/index.js';
import { MemoryLogger } from '../../src/logger.js';
import { applyTestBed, historyRows, rows } from './fixtures.js';

const bed = applyTestBed('apply_nontx', { lockRetryDelayMs: 50 });
const base = bed.base;

describe('non-transactional files', () => {
  it('run statement by statement, record progress, and a rerun resumes at the failed statement without repeating done ones', async () => {
    bed.dir.write({
      '1_t.sql': 'CREATE TABLE t (id int);\nCREATE TABLE side (n int);\n',
      '2_idx.sql': [
        'INSERT INTO side VALUES (1);',
        'CREATE INDEX CONCURRENTLY t_id ON t (id);',
        'INSERT INTO side VALUES (2);',
        'SELECT 1/0;',
        'INSERT INTO side VALUES (3);',
        '',
      ].join('\n'),
    });
    const r = await apply(base());
    expect(r.ok).toBe(false);
    expect(r.migrations.map((m) => [m.status, m.transactional])).toEqual([
      ['applied', true],
      ['failed', false],
    ]);
    const e = r.error as Error & { file?: string; line?: number; hint?: string };
    expect([e.file, e.line]).toEqual(['2_idx.sql', 4]);
    expect(e.message).toMatch(/division by zero \[SQLSTATE 22012\]/);
    expect(e.hint).toMatch(/statements before this one stay applied/);
    const h = (await historyRows(bed.db.url))[1]!;
    expect([h.status, h.statements_done, h.failed_statement]).toEqual(['failed', 3, 3]);
    expect(await rows(bed.db.url, 'SELECT n FROM side ORDER BY n')).toEqual([{ n: 1 }, { n: 2 }]);

    // fix the failing statement (the done ones stay as they were): the rerun resumes at it
    bed.dir.write({
      '2_idx.sql': [
        'INSERT INTO side VALUES (1);',
        'CREATE INDEX CONCURRENTLY t_id ON t (id);',
        'INSERT INTO side VALUES (2);',
        'SELECT 1/1;',
        'INSERT INTO side VALUES (3);',
        '',
      ].join('\n'),
    });
    const logger = new MemoryLogger();
    const again = await apply({ ...base(), logger });
    expect(again.error).toBeUndefined();
    expect(again.migrations[0]?.resumedFrom).toBe(3);
    expect(logger.text()).toMatch(/resuming at statement 4 of 5/);
    expect(await rows(bed.db.url, 'SELECT n FROM side ORDER BY n')).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
    const h2 = (await historyRows(bed.db.url))[1]!;
    expect([h2.status, h2.statements_done, h2.error]).toEqual(['applied', 5, null]);
  });

  it('refuses to resume when statements that already ran were edited', async () => {
    bed.dir.write({ '1_x.sql': 'CREATE TABLE t (id int);\nCREATE INDEX CONCURRENTLY t_id ON t (id);\nSELECT 1/0;\n' });
    expect((await apply(base())).ok).toBe(false);
    bed.dir.write({
      '1_x.sql': 'CREATE TABLE t (id int, x int);\nCREATE INDEX CONCURRENTLY t_id ON t (id);\nSELECT 1;\n',
    });
    const r = await apply(base());
    expect(r.ok).toBe(false);
    expect(r.error?.message).toMatch(/partly applied \(2 statements done\) and those statements changed since/);
  });

  it('honours the `-- db-action:tx-mode none` file directive: statements autocommit one by one', async () => {
    bed.dir.write({ '1_x.sql': '-- db-action:tx-mode none\nCREATE TABLE t (id int);\nSELECT 1/0;\n' });
    const r = await apply(base());
    expect(r.ok).toBe(false);
    expect(r.migrations[0]?.transactional).toBe(false);
    // the first statement autocommitted
    expect(await rows(bed.db.url, "SELECT to_regclass('t') IS NOT NULL AS ok")).toEqual([{ ok: true }]);
  });

  it('reports the INVALID index a failed CREATE INDEX CONCURRENTLY leaves, with the DROP INDEX CONCURRENTLY hint', async () => {
    bed.dir.write({
      '1_t.sql': 'CREATE TABLE t (id int);\nINSERT INTO t VALUES (1), (1);\n',
      '2_idx.sql': 'CREATE UNIQUE INDEX CONCURRENTLY t_uniq ON t (id);\n',
    });
    const r = await apply(base());
    expect(r.ok).toBe(false);
    const e = r.error as Error & { line?: number; hint?: string };
    expect(e.line).toBe(1);
    expect(e.message).toMatch(/could not create unique index "t_uniq"/);
    expect(e.hint).toMatch(
      /left INVALID index "public"\."t_uniq": drop it with DROP INDEX CONCURRENTLY "public"\."t_uniq";/,
    );
    expect(await rows(bed.db.url, "SELECT indisvalid FROM pg_index WHERE indexrelid = 't_uniq'::regclass")).toEqual([
      { indisvalid: false },
    ]);

    // rerun without cleaning up: stops before running, same hint
    const again = await apply(base());
    expect(again.ok).toBe(false);
    expect(again.error?.message).toMatch(/left index "t_uniq" INVALID/);
    expect((again.error as { hint?: string }).hint).toMatch(/DROP INDEX CONCURRENTLY "public"\."t_uniq"/);

    // follow the hint (and fix the data): the rerun succeeds
    await rows(bed.db.url, 'DROP INDEX CONCURRENTLY t_uniq');
    await rows(bed.db.url, 'DELETE FROM t');
    const fixed = await apply(base());
    expect(fixed.error).toBeUndefined();
    expect(await rows(bed.db.url, "SELECT indisvalid FROM pg_index WHERE indexrelid = 't_uniq'::regclass")).toEqual([
      { indisvalid: true },
    ]);
  });
});

describe('format metadata that turns the transaction off, through the apply core', () => {
  // Both statements are transactional as far as the parser can tell: only the format's metadata says
  // otherwise. A DO block that COMMITs fails inside a transaction block (2D000), and each statement
  // autocommitting gets its own transaction id.
  const body = [
    'CREATE TABLE log (txid bigint);',
    'INSERT INTO log VALUES (txid_current());',
    'DO $$ BEGIN INSERT INTO log VALUES (txid_current()); COMMIT; END $$;',
    '',
  ].join('\n');

  async function expectAutocommitted(): Promise<void> {
    const r = await rows<{ n: number; distinct: number }>(
      bed.db.url,
      'SELECT count(*)::int AS n, count(DISTINCT txid)::int AS distinct FROM log',
    );
    expect(r).toEqual([{ n: 2, distinct: 2 }]);
  }

  it('dbmate `-- migrate:up transaction:false`', async () => {
    bed.dir.write({
      '20240101000000_a.sql': `-- migrate:up transaction:false\n${body}\n-- migrate:down\nDROP TABLE log;\n`,
    });
    const r = await apply({ ...base(), format: 'dbmate' });
    expect(r.error).toBeUndefined();
    expect(r.migrations.map((m) => [m.status, m.transactional])).toEqual([['applied', false]]);
    await expectAutocommitted();
    expect((await historyRows(bed.db.url)).map((h) => [h.status, h.statements_done])).toEqual([['applied', 3]]);
  });

  it('dbmate without the option runs the same file in one transaction (and the DO block fails there)', async () => {
    bed.dir.write({ '20240101000000_a.sql': `-- migrate:up\n${body}\n-- migrate:down\nDROP TABLE log;\n` });
    const r = await apply({ ...base(), format: 'dbmate' });
    expect(r.error?.message).toMatch(/SQLSTATE 2D000/);
    expect((r.error as { line?: number }).line).toBe(4);
    expect(await rows(bed.db.url, "SELECT to_regclass('log') IS NULL AS none")).toEqual([{ none: true }]);
  });

  it('diesel `run_in_transaction = false` in metadata.toml', async () => {
    bed.dir.write({
      '2024-01-01-000000_log/up.sql': body,
      '2024-01-01-000000_log/down.sql': 'DROP TABLE log;\n',
      '2024-01-01-000000_log/metadata.toml': '# diesel\nrun_in_transaction = false\n',
    });
    const r = await apply({ ...base(), format: 'diesel' });
    expect(r.error).toBeUndefined();
    expect(r.migrations.map((m) => [m.version, m.status, m.transactional])).toEqual([
      ['20240101000000', 'applied', false],
    ]);
    await expectAutocommitted();
  });

  it('diesel `run_in_transaction = true` runs in one transaction', async () => {
    bed.dir.write({
      '2024-01-01-000000_log/up.sql': body,
      '2024-01-01-000000_log/metadata.toml': 'run_in_transaction = true\n',
    });
    const r = await apply({ ...base(), format: 'diesel' });
    expect(r.error?.message).toMatch(/SQLSTATE 2D000/);
    expect(r.migrations.map((m) => m.transactional)).toEqual([true]);
  });
});
