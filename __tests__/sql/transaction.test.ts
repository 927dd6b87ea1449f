/**
 * `transactional` / `transactionControl`: every decision is checked against a real PostgreSQL
 * (inside BEGIN ... ROLLBACK: refused statements must fail with "cannot run inside a transaction
 * block", allowed ones must succeed).
 */
import pg from 'pg';

import { parseSql } from '../../src/sql/index.js';
import { createTestDatabase, type TestDatabase } from '../helpers/pg.js';

const SETUP = `
  CREATE TABLE t (a int PRIMARY KEY, b int);
  CREATE INDEX ti ON t (b);
  CREATE MATERIALIZED VIEW mv AS SELECT 1 AS x;
  CREATE UNIQUE INDEX mv_x ON mv (x);
  CREATE TYPE e AS ENUM ('a');
  CREATE TABLE p (a int) PARTITION BY LIST (a);
  CREATE TABLE p1 PARTITION OF p FOR VALUES IN (1);
  CLUSTER t USING t_pkey;
`;

/** [statement, transactional]; `$DB` is replaced by the test database's name. */
const CASES: [string, boolean][] = [
  ['CREATE INDEX CONCURRENTLY i1 ON t (b)', false],
  ['CREATE INDEX CONCURRENTLY IF NOT EXISTS i1 ON t (b)', false],
  ['CREATE INDEX i1 ON t (b)', true],
  ['DROP INDEX CONCURRENTLY ti', false],
  ['DROP INDEX ti', true],
  ['REINDEX INDEX CONCURRENTLY ti', false],
  ['REINDEX (CONCURRENTLY) TABLE t', false],
  ['REINDEX TABLE t', true],
  ['REINDEX INDEX ti', true],
  ['REINDEX SCHEMA public', false],
  ['REINDEX DATABASE $DB', false],
  ['REINDEX SYSTEM $DB', false],
  ['VACUUM t', false],
  ['VACUUM (ANALYZE) t', false],
  ['VACUUM FULL t', false],
  ['ANALYZE t', true],
  ['CLUSTER t USING t_pkey', true],
  ['CLUSTER t', true],
  ['CLUSTER', false],
  ['CREATE DATABASE never_created', false],
  ['DROP DATABASE IF EXISTS never_created', false],
  ["CREATE TABLESPACE never_created LOCATION '/nonexistent'", false],
  ['DROP TABLESPACE IF EXISTS never_created', false],
  ["ALTER SYSTEM SET work_mem = '4MB'", false],
  ['ALTER DATABASE $DB SET TABLESPACE pg_default', false],
  ["ALTER DATABASE $DB SET work_mem = '4MB'", true],
  ['ALTER DATABASE $DB CONNECTION LIMIT 50', true],
  ["ALTER TYPE e ADD VALUE 'b'", true],
  ['ALTER TABLE p DETACH PARTITION p1 CONCURRENTLY', false],
  ['ALTER TABLE p DETACH PARTITION p1', true],
  ['DISCARD ALL', false],
  ['DISCARD TEMP', true],
  ['REFRESH MATERIALIZED VIEW CONCURRENTLY mv', true],
  ['REFRESH MATERIALIZED VIEW mv', true],
  ["CREATE SUBSCRIPTION s CONNECTION 'dbname=none' PUBLICATION p", false],
  ["CREATE SUBSCRIPTION s CONNECTION 'dbname=none' PUBLICATION p WITH (connect = false)", true],
  ["COMMIT PREPARED 'none'", false],
  ["ROLLBACK PREPARED 'none'", false],
  ['DO $$ BEGIN PERFORM 1; END $$', true],
  ['ALTER TABLE t ADD COLUMN c int', true],
];

describe('transactional (checked on real PostgreSQL)', () => {
  let db: TestDatabase;
  let client: pg.Client;

  beforeAll(async () => {
    db = await createTestDatabase('sqltx');
    client = new pg.Client({ connectionString: db.url });
    await client.connect();
    await client.query(SETUP);
  });
  afterAll(async () => {
    try {
      await client?.end();
    } finally {
      await db?.drop();
    }
  });

  it.each(CASES)('%s -> transactional %s', async (template, expected) => {
    const sql = template.replace('$DB', db.name);
    const parsed = await parseSql(`${sql};`, { file: 'm.sql' });
    expect(parsed.statements).toHaveLength(1);
    expect(parsed.statements[0]?.transactional).toBe(expected);

    await client.query('BEGIN');
    let error: Error | undefined;
    try {
      await client.query(sql);
    } catch (e) {
      error = e as Error;
    } finally {
      await client.query('ROLLBACK');
    }
    if (expected) expect(error).toBeUndefined();
    else
      expect(error?.message).toMatch(
        /cannot run inside a transaction block|cannot be executed inside a transaction block/,
      );
  });
});

describe('transactional from the parse tree only', () => {
  it.each([
    ['ALTER SUBSCRIPTION s REFRESH PUBLICATION', false],
    ['ALTER SUBSCRIPTION s SET PUBLICATION p2', false],
    ['ALTER SUBSCRIPTION s SET PUBLICATION p2 WITH (refresh = false)', true],
    ['ALTER SUBSCRIPTION s DISABLE', true],
    // Refused only when the subscription has a slot, which the text cannot tell: assumed.
    ['DROP SUBSCRIPTION s', false],
    [
      "CREATE SUBSCRIPTION s CONNECTION 'x' PUBLICATION p WITH (create_slot = false, slot_name = NONE, enabled = false)",
      true,
    ],
  ] as [string, boolean][])('%s -> transactional %s', async (sql, expected) => {
    const parsed = await parseSql(sql, { file: 'm.sql' });
    expect(parsed.statements[0]?.transactional).toBe(expected);
  });
});

describe('transactionControl', () => {
  it('is true for BEGIN, START TRANSACTION, COMMIT, END, ROLLBACK, ABORT and PREPARE TRANSACTION only', async () => {
    const sql = [
      'BEGIN',
      'BEGIN ISOLATION LEVEL SERIALIZABLE',
      'START TRANSACTION',
      'SAVEPOINT s',
      'RELEASE SAVEPOINT s',
      'ROLLBACK TO SAVEPOINT s',
      'COMMIT',
      'END',
      'ROLLBACK',
      'ABORT',
      "PREPARE TRANSACTION 'x'",
      "COMMIT PREPARED 'x'",
      'SELECT 1',
    ].join(';\n');
    const r = await parseSql(sql, { file: 'm.sql' });
    expect(r.statements.map((s) => [s.text, s.kind === 'TransactionStmt', s.transactionControl])).toEqual([
      ['BEGIN', true, true],
      ['BEGIN ISOLATION LEVEL SERIALIZABLE', true, true],
      ['START TRANSACTION', true, true],
      ['SAVEPOINT s', true, false],
      ['RELEASE SAVEPOINT s', true, false],
      ['ROLLBACK TO SAVEPOINT s', true, false],
      ['COMMIT', true, true],
      ['END', true, true],
      ['ROLLBACK', true, true],
      ['ABORT', true, true],
      ["PREPARE TRANSACTION 'x'", true, true],
      ["COMMIT PREPARED 'x'", true, false],
      ['SELECT 1', false, false],
    ]);
  });
});
