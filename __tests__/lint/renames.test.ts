/**
 * Objects keep their identity through renames and SET SCHEMA: a base table renamed earlier in the change is still a
 * base table under its new name (what is done to it is reported), and an object that is only renamed (a table, a
 * column, an index that becomes a constraint's with USING INDEX) is never reported as dropped. Built-in rules, real
 * PostgreSQL, temporary git repositories.
 */
import type { LintReport } from '../../src/lint/types.js';
import { lintChange, removeChangeRepos } from './change-repo.js';

afterAll(removeChangeRepos);

const found = (r: LintReport) => r.findings.map((f) => `${f.line} ${f.rule}`);

describe('identity through renames', () => {
  it('a base table renamed (or moved) earlier in the change is still a base table: rewrite, index, DELETE, DROP reported', async () => {
    const r = await lintChange(
      `CREATE TABLE users (id int PRIMARY KEY, email text, n int);
CREATE SCHEMA archive;
CREATE TABLE orders (id int);
INSERT INTO users VALUES (1, 'x', 1);
`,
      `ALTER TABLE users RENAME TO people;
ALTER TABLE people ALTER COLUMN n TYPE bigint;
CREATE INDEX people_email ON people (email);
DELETE FROM people;
ALTER TABLE orders SET SCHEMA archive;
DROP TABLE archive.orders;
`,
    );
    const f = found(r);
    expect(f).toContain('1 rename-table');
    expect(f).toContain('2 table-rewrite');
    expect(f).toContain('3 create-index-blocking');
    expect(f).toContain('4 delete-without-where');
    expect(f).toContain('5 set-schema');
    expect(f).toContain('6 drop-table');
    expect(r.failed).toBe(true);
  });

  it('a base column renamed and then dropped is a drop of base data', async () => {
    const r = await lintChange(
      'CREATE TABLE users (id int PRIMARY KEY, email text);\n',
      'ALTER TABLE users RENAME COLUMN email TO email2;\nALTER TABLE users DROP COLUMN email2;\n',
    );
    expect(found(r)).toContain('2 drop-column');
    expect(r.failed).toBe(true);
  });

  it('a base view renamed earlier is still a CASCADE victim of its table', async () => {
    const r = await lintChange(
      'CREATE TABLE users (id int PRIMARY KEY);\nCREATE VIEW v1 AS SELECT id FROM users;\n',
      'ALTER VIEW v1 RENAME TO v2;\nDROP TABLE users CASCADE;\n',
    );
    const cascade = r.findings.find((x) => x.rule === 'cascade-drop');
    expect(cascade?.line).toBe(2);
    expect(cascade?.message).toContain('public.v2');
  });

  it('a table created in the change and renamed stays new: nothing done to it is reported', async () => {
    const r = await lintChange(
      'CREATE TABLE users (id int PRIMARY KEY);\n',
      'CREATE TABLE t (id int, n int);\nALTER TABLE t RENAME TO t2;\nALTER TABLE t2 ALTER COLUMN n TYPE bigint;\nCREATE INDEX t2_n ON t2 (n);\nDROP TABLE t2;\n',
    );
    expect(found(r)).toEqual([]);
  });

  it('ADD CONSTRAINT … UNIQUE USING INDEX renames the index: no cascade-drop, the check passes', async () => {
    const r = await lintChange(
      'CREATE TABLE u (id int, e text);\nCREATE UNIQUE INDEX u_e_idx ON u (e);\n',
      'ALTER TABLE u ADD CONSTRAINT u_e_key UNIQUE USING INDEX u_e_idx;\n',
    );
    expect(r.findings.filter((x) => x.category === 'destructive')).toEqual([]);
    expect(r.failed).toBe(false);
  });

  it('only renames of a base name are reported: via a temporary name, a swap, SET SCHEMA and back', async () => {
    const twice = await lintChange(
      'CREATE TABLE users (id int PRIMARY KEY, email text);\n',
      'ALTER TABLE users RENAME COLUMN email TO email_tmp;\nALTER TABLE users RENAME COLUMN email_tmp TO contact_email;\n',
    );
    expect(found(twice).filter((f) => f.endsWith('rename-column'))).toEqual(['1 rename-column']);
    const swap = await lintChange(
      'CREATE TABLE a (id int);\nCREATE TABLE b (id int);\n',
      'ALTER TABLE a RENAME TO tmp;\nALTER TABLE b RENAME TO a;\nALTER TABLE tmp RENAME TO b;\n',
    );
    expect(found(swap).filter((f) => f.endsWith('rename-table'))).toEqual(['1 rename-table', '2 rename-table']);
    const away = await lintChange(
      'CREATE SCHEMA archive;\nCREATE TABLE users (id int);\n',
      'ALTER TABLE users SET SCHEMA archive;\nALTER TABLE archive.users SET SCHEMA public;\n',
    );
    expect(found(away).filter((f) => f.endsWith('set-schema'))).toEqual(['1 set-schema']);
  });
});
