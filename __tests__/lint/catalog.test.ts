/**
 * The incremental catalog read (definitions only for what the current transaction touched) must give
 * the same snapshot as a full read, statement after statement, for every kind of change.
 */
import type pg from 'pg';

import { connect } from '../../src/db/client.js';
import { diffCatalog, snapshotCatalog, snapshotHas, type CatalogSnapshot } from '../../src/lint/catalog.js';
import { traceStatement } from '../../src/lint/trace.js';
import { parseSql } from '../../src/sql/index.js';
import { createTestDatabase, type TestDatabase } from '../helpers/pg.js';

let db: TestDatabase;
let client: pg.Client;

beforeAll(async () => {
  db = await createTestDatabase('lint_catalog');
  client = await connect(db.url);
});

afterAll(async () => {
  await client?.end();
  await db?.drop();
});

const plain = (s: CatalogSnapshot) => ({
  objects: Object.fromEntries([...s.objects].sort(([a], [b]) => a.localeCompare(b))),
  relations: Object.fromEntries(s.relations),
});

const STATEMENTS = [
  'CREATE SCHEMA app',
  "CREATE TYPE app.status AS ENUM ('new', 'done')",
  'CREATE TABLE app.items (id int PRIMARY KEY, status app.status, price numeric(10,2), note text)',
  'CREATE TABLE app.tags (id int PRIMARY KEY, item_id int REFERENCES app.items(id))',
  'CREATE INDEX items_note ON app.items (note)',
  "ALTER TABLE app.items ALTER COLUMN note SET DEFAULT 'x'",
  'ALTER TABLE app.items ALTER COLUMN note DROP DEFAULT',
  'ALTER TABLE app.items ALTER COLUMN price TYPE numeric(12,2)',
  'ALTER TABLE app.items ALTER COLUMN price SET NOT NULL',
  'ALTER TABLE app.items ADD CONSTRAINT price_pos CHECK (price > 0) NOT VALID',
  'ALTER TABLE app.items VALIDATE CONSTRAINT price_pos',
  "ALTER TYPE app.status ADD VALUE 'archived'",
  'CREATE VIEW app.v AS SELECT id FROM app.items',
  'CREATE OR REPLACE VIEW app.v AS SELECT id, note FROM app.items',
  'CREATE FUNCTION app.f() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$',
  "CREATE OR REPLACE FUNCTION app.f() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.note := 'y'; RETURN NEW; END $$",
  'CREATE TRIGGER t BEFORE INSERT ON app.items FOR EACH ROW EXECUTE FUNCTION app.f()',
  'ALTER TABLE app.items DISABLE TRIGGER t',
  'ALTER TABLE app.tags RENAME COLUMN item_id TO item',
  'ALTER TABLE app.tags RENAME TO labels',
  'ALTER INDEX app.items_note RENAME TO items_note_idx',
  'ALTER TABLE app.labels SET UNLOGGED',
  'CREATE MATERIALIZED VIEW app.mv AS SELECT count(*) FROM app.items',
  'REFRESH MATERIALIZED VIEW app.mv',
  "DO $$ BEGIN BEGIN EXECUTE 'ALTER TABLE app.items ADD COLUMN sub int DEFAULT 7'; EXCEPTION WHEN others THEN NULL; END; END $$",
  'DROP TABLE app.items CASCADE',
  'SELECT 1',
];

describe('incremental catalog snapshots', () => {
  it('equal a full read after every statement', async () => {
    let snapshot = await snapshotCatalog(client);
    for (const sql of STATEMENTS) {
      const stmt = (await parseSql(sql, { file: 'x.sql' })).statements[0]!;
      const { trace, after } = await traceStatement(client, stmt, snapshot);
      expect({ sql, error: trace.error }).toEqual({ sql, error: undefined });
      const full = await snapshotCatalog(client);
      expect({ sql, snapshot: plain(after) }).toEqual({ sql, snapshot: plain(full) });
      snapshot = after;
    }
    expect(snapshotHas(snapshot, 'table', 'app.labels')).toBe(true);
    expect(snapshotHas(snapshot, 'view', 'app.v')).toBe(false);
  });

  it('a DDL in a subtransaction (DO … EXCEPTION) is seen as a change', async () => {
    await client.query('CREATE TABLE s (a int)');
    const before = await snapshotCatalog(client);
    const stmt = (
      await parseSql(
        "DO $$ BEGIN BEGIN EXECUTE 'ALTER TABLE s ALTER COLUMN a TYPE bigint'; EXCEPTION WHEN others THEN NULL; END; END $$",
        {
          file: 'x.sql',
        },
      )
    ).statements[0]!;
    const { trace } = await traceStatement(client, stmt, before);
    expect(trace.diff.changed).toEqual([
      { object: { kind: 'column', name: 'public.s.a', table: 'public.s' }, before: 'integer', after: 'bigint' },
    ]);
    expect(diffCatalog(before, await snapshotCatalog(client)).changed).toEqual(trace.diff.changed);
  });
});
