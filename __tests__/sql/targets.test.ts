/**
 * nodeKind / nodeBody / statementTargets over real parse trees.
 */
import { nodeBody, nodeKind, parseSql, statementTargets } from '../../src/sql/index.js';

async function targetsOf(sql: string): Promise<string[]> {
  const r = await parseSql(sql, { file: 'm.sql' });
  expect(r.statements).toHaveLength(1);
  return statementTargets(r.statements[0]!);
}

describe('statementTargets', () => {
  it.each([
    ['CREATE TABLE app.users (id int)', ['app.users']],
    ['CREATE TABLE "Users" (id int)', ['Users']],
    ['CREATE TABLE Users (id int)', ['users']],
    ['ALTER TABLE users ADD COLUMN x int', ['users']],
    ['ALTER TABLE IF EXISTS ONLY s.users DROP COLUMN x', ['s.users']],
    ['ALTER TABLE p ATTACH PARTITION s.p2 FOR VALUES IN (2)', ['p', 's.p2']],
    ['ALTER TABLE p DETACH PARTITION p1 CONCURRENTLY', ['p', 'p1']],
    ['ALTER INDEX i RENAME TO j', ['i']],
    ['CREATE INDEX CONCURRENTLY i ON s.t (a)', ['s.t']],
    ['CREATE UNIQUE INDEX ON t (a) WHERE a > 0', ['t']],
    ['DROP TABLE a, s.b CASCADE', ['a', 's.b']],
    ['DROP INDEX CONCURRENTLY IF EXISTS s.i', ['s.i']],
    ['DROP VIEW v', ['v']],
    ['DROP MATERIALIZED VIEW mv', ['mv']],
    ['DROP SEQUENCE seq', ['seq']],
    ['DROP TYPE mood', []],
    ['DROP SCHEMA s CASCADE', []],
    ['ALTER TABLE t RENAME COLUMN a TO b', ['t']],
    ['ALTER TABLE s.t RENAME TO u', ['s.t']],
    ['TRUNCATE a, s.b RESTART IDENTITY', ['a', 's.b']],
    ['DELETE FROM s.t WHERE id = 1', ['s.t']],
    ['UPDATE t SET a = 1', ['t']],
    ['INSERT INTO t (a) SELECT a FROM other', ['t']],
    ['REFRESH MATERIALIZED VIEW CONCURRENTLY s.mv', ['s.mv']],
    ['VACUUM (FULL, ANALYZE) a, s.b', ['a', 's.b']],
    ['VACUUM', []],
    ['CLUSTER t USING t_pkey', ['t']],
    ['CLUSTER', []],
    ['REINDEX TABLE CONCURRENTLY t', ['t']],
    ['LOCK TABLE a, b IN ACCESS EXCLUSIVE MODE', ['a', 'b']],
    ['CREATE VIEW v AS SELECT * FROM t', ['v']],
    ['CREATE MATERIALIZED VIEW mv AS SELECT 1', ['mv']],
    ['CREATE TRIGGER tr AFTER INSERT ON t FOR EACH ROW EXECUTE FUNCTION f()', ['t']],
    ['CREATE SEQUENCE s.seq', ['s.seq']],
    ['ALTER SEQUENCE seq RESTART', ['seq']],
    ['CREATE POLICY p ON t USING (true)', ['t']],
    ['ALTER TABLE t SET SCHEMA other', ['t']],
    ['ALTER TABLE t OWNER TO bob', ['t']],
    ["ALTER TYPE mood ADD VALUE 'x'", []],
    ['SELECT * FROM t', []],
    ['DO $$ BEGIN DROP TABLE t; END $$', []],
  ] as [string, string[]][])('%s -> %j', async (sql, expected) => {
    expect(await targetsOf(sql)).toEqual(expected);
  });

  it('accepts a bare parse-tree node as well as a Statement', async () => {
    const r = await parseSql('DROP TABLE x', { file: 'm.sql' });
    expect(statementTargets(r.statements[0]!.ast)).toEqual(['x']);
  });

  it('lists a relation once even when named twice', async () => {
    expect(await targetsOf('ALTER TABLE t ADD COLUMN a int, ADD COLUMN b int')).toEqual(['t']);
  });
});

describe('nodeKind and nodeBody', () => {
  it('read the top-level node type and body of a Statement or a node', async () => {
    const s = (await parseSql('CREATE INDEX CONCURRENTLY i ON t (a)', { file: 'm.sql' })).statements[0]!;
    expect(nodeKind(s)).toBe('IndexStmt');
    expect(nodeKind(s.ast)).toBe('IndexStmt');
    expect(nodeBody(s)).toMatchObject({ idxname: 'i', concurrent: true });
    expect(nodeKind({})).toBe('');
    expect(nodeBody({})).toEqual({});
  });
});
