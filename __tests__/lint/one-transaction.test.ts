/**
 * A new transactional file is traced in ONE transaction, the way `db-action apply` runs it: errors that only happen
 * there are apply-errors of lint too, what a statement leaves for the next (a temporary table) is there, and each
 * statement is credited with the locks it took itself.
 */
import { lintChange, removeChangeRepos } from './change-repo.js';

afterAll(removeChangeRepos);

const BASE = "CREATE TYPE mood AS ENUM ('a', 'b');\nCREATE TABLE t (id int PRIMARY KEY, m mood);\n";

describe('a new file that fails only as one transaction', () => {
  it('using an enum value added in the same file: apply-error at the UPDATE, with the way out', async () => {
    const r = await lintChange(BASE, "ALTER TYPE mood ADD VALUE 'c';\nUPDATE t SET m = 'c' WHERE id = 1;\n");
    const errors = r.findings.filter((f) => f.category === 'apply-error');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ file: 'migrations/2_change.sql', line: 2, endLine: 2, severity: 'error' });
    expect(errors[0]?.message).toMatch(
      /^The statement fails on PostgreSQL: unsafe use of new value "c".*SQLSTATE 55P04/,
    );
    expect(errors[0]?.suggestion).toContain('migration of its own');
    expect(r.failed).toBe(true);
  });

  it('a DO block that COMMITs: apply-error with the tx-mode hint; with tx-mode none it is clean', async () => {
    const change = 'DO $$ BEGIN CREATE TABLE inside_do (a int); COMMIT; END $$;\n';
    const r = await lintChange(BASE, change);
    const err = r.findings.find((f) => f.category === 'apply-error');
    expect(err).toMatchObject({ line: 1, rule: 'apply-error' });
    expect(err?.message).toContain('2D000');
    expect(err?.suggestion).toContain('db-action:tx-mode none');
    const none = await lintChange(BASE, `-- db-action:tx-mode none\n${change}`);
    expect(none.findings.filter((f) => f.category === 'apply-error')).toEqual([]);
  });

  it('a deferred constraint violated by the file is an error of the file at its last statement', async () => {
    const r = await lintChange(
      'CREATE TABLE p (id int PRIMARY KEY);\nCREATE TABLE c (p_id int REFERENCES p (id) DEFERRABLE INITIALLY DEFERRED);\n',
      'INSERT INTO c VALUES (1);\nSELECT 1;\n',
    );
    const err = r.findings.find((f) => f.category === 'apply-error');
    expect(err).toMatchObject({
      line: 2,
      message: expect.stringMatching(/^The file fails at COMMIT: .*SQLSTATE 23503/),
    });
  });

  it('what a statement leaves for the next in the transaction is there: a temporary table ON COMMIT DROP', async () => {
    const r = await lintChange(
      BASE,
      'BEGIN;\nCREATE TEMPORARY TABLE fix ON COMMIT DROP AS SELECT id FROM t;\nUPDATE t SET m = NULL FROM fix WHERE t.id = fix.id;\nCOMMIT;\n',
    );
    expect(r.findings.filter((f) => f.category === 'apply-error')).toEqual([]);
    expect(r.files[0]?.statements.map((s) => s.error)).toEqual([undefined, undefined, undefined, undefined]);
  });

  it('locks are credited to the statement that took them; later statements show them as held since earlier', async () => {
    const r = await lintChange(
      BASE,
      'ALTER TABLE t ADD COLUMN a int;\nALTER TABLE t ALTER COLUMN a TYPE bigint;\nCREATE INDEX t_a ON t (a);\n',
    );
    const locks = r.files[0]?.statements.map((s) =>
      s.locks.filter((l) => l.relation === 'public.t').map((l) => `${l.mode}${l.earlier ? ' earlier' : ''}`),
    );
    expect(locks?.[0]).toContain('AccessExclusiveLock');
    expect(locks?.[1]).toContain('AccessExclusiveLock earlier');
    expect(locks?.[1]).not.toContain('AccessExclusiveLock');
    // The index build runs under the locks the file already holds on t; its finding shows them as evidence.
    expect(locks?.[2]?.some((l) => l.endsWith('earlier'))).toBe(true);
    const index = r.findings.find((f) => f.rule === 'create-index-blocking');
    expect(index?.evidence?.join('\n')).toMatch(/on public\.t \(held since an earlier statement of the file\)/);
    const rewrite = r.findings.find((f) => f.rule === 'table-rewrite');
    expect(rewrite?.evidence).toContain(
      'AccessExclusiveLock on public.t (held since an earlier statement of the file)',
    );
  });

  it('an ordinary failing statement is reported at its line; a good file traces cleanly', async () => {
    const bad = await lintChange(BASE, 'ALTER TABLE t ADD COLUMN n int;\nSELECT nope FROM t;\n');
    const errors = bad.findings.filter((f) => f.category === 'apply-error');
    expect(errors).toHaveLength(1);
    expect(errors[0]?.line).toBe(2);
    expect(errors[0]?.message).toMatch(/^The statement fails on PostgreSQL: column "nope" does not exist/);
    const good = await lintChange(BASE, 'ALTER TABLE t ADD COLUMN n int;\nCREATE TABLE u (id int);\n');
    expect(good.findings.filter((f) => f.category === 'apply-error')).toEqual([]);
    expect(good.files[0]?.statements.map((s) => s.error)).toEqual([undefined, undefined]);
  });

  it('a short SET LOCAL statement_timeout in the file does not cancel the tracer (the migration keeps it)', async () => {
    const r = await lintChange(
      BASE,
      "SET LOCAL statement_timeout = '1ms';\nSET LOCAL lock_timeout = '1ms';\nSELECT 1;\nSELECT current_setting('statement_timeout');\n",
    );
    expect(r.findings.filter((f) => f.category === 'apply-error')).toEqual([]);
    expect(r.files[0]?.statements.map((s) => s.error)).toEqual([undefined, undefined, undefined, undefined]);
    // and the file's own statements still run under its timeout
    const slow = await lintChange(BASE, "SET LOCAL statement_timeout = '50ms';\nSELECT pg_sleep(1);\n");
    expect(slow.findings.find((f) => f.category === 'apply-error')?.message).toContain('statement timeout');
  });
});
