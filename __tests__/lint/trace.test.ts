/**
 * traceStatement on real PostgreSQL: locks of our own backend before COMMIT, relfilenode rewrites,
 * catalog diffs (including CASCADE victims and DROPs by dynamic SQL), statements outside a
 * transaction, failures.
 */
import type pg from 'pg';

import { connect } from '../../src/db/client.js';
import { snapshotCatalog, snapshotHas, type CatalogSnapshot } from '../../src/lint/catalog.js';
import { traceStatement } from '../../src/lint/trace.js';
import { parseSql } from '../../src/sql/index.js';
import type { Statement } from '../../src/sql/types.js';
import { createTestDatabase, type TestDatabase } from '../helpers/pg.js';

let db: TestDatabase;
let client: pg.Client;
let snapshot: CatalogSnapshot;

async function statement(sql: string): Promise<Statement> {
  const parsed = await parseSql(sql, { file: 'test.sql' });
  const s = parsed.statements[0];
  if (!s) throw new Error(`no statement in ${sql}`);
  return s;
}

/** Traces `sql` (one statement) and moves the running snapshot forward. */
async function trace(sql: string) {
  const r = await traceStatement(client, await statement(sql), snapshot);
  snapshot = r.after;
  return r.trace;
}

const names = (objects: readonly { kind: string; name: string }[]): string[] =>
  objects.map((o) => `${o.kind}:${o.name}`).sort();

beforeAll(async () => {
  db = await createTestDatabase('lint_trace');
  client = await connect(db.url);
  await client.query(`
    CREATE TABLE users (id int PRIMARY KEY, email text NOT NULL);
    INSERT INTO users SELECT g, 'u' || g FROM generate_series(1, 500) g;
    CREATE TABLE orders (id int PRIMARY KEY, user_id int REFERENCES users(id));
    CREATE VIEW user_emails AS SELECT email FROM users;
    CREATE TYPE mood AS ENUM ('happy', 'sad');
  `);
  snapshot = await snapshotCatalog(client);
});

afterAll(async () => {
  await client?.end();
  await db?.drop();
});

describe('traceStatement', () => {
  it('sees the AccessExclusiveLock of ADD COLUMN and the created column, without a rewrite', async () => {
    const t = await trace('ALTER TABLE users ADD COLUMN nickname text');
    expect(t.error).toBeUndefined();
    expect(t.transactional).toBe(true);
    expect(t.locks).toContainEqual({ relation: 'public.users', mode: 'AccessExclusiveLock' });
    expect(t.rewritten).toEqual([]);
    expect(names(t.diff.created)).toEqual(['column:public.users.nickname']);
    expect(t.diff.dropped).toEqual([]);
  });

  it('detects a real rewrite through the relfilenode and reports the type change', async () => {
    const t = await trace('ALTER TABLE users ALTER COLUMN id TYPE bigint');
    expect(t.rewritten).toEqual(['public.users']);
    expect(t.diff.changed).toContainEqual({
      object: { kind: 'column', name: 'public.users.id', table: 'public.users' },
      before: 'integer NOT NULL',
      after: 'bigint NOT NULL',
    });
  });

  it('a binary-compatible change (varchar widening to text) does not rewrite', async () => {
    await trace('ALTER TABLE users ADD COLUMN code varchar(10)');
    const t = await trace('ALTER TABLE users ALTER COLUMN code TYPE text');
    expect(t.rewritten).toEqual([]);
    expect(t.diff.changed.map((c) => c.object.name)).toEqual(['public.users.code']);
  });

  it('CREATE INDEX holds a ShareLock on the table; the new index is created, not locked', async () => {
    const t = await trace('CREATE INDEX users_email_idx ON users (email)');
    expect(t.locks).toEqual([{ relation: 'public.users', mode: 'ShareLock' }]);
    expect(names(t.diff.created)).toEqual(['index:public.users_email_idx']);
  });

  it('CREATE INDEX CONCURRENTLY runs outside a transaction: no locks observable, the index appears', async () => {
    const t = await trace('CREATE INDEX CONCURRENTLY users_nick_idx ON users (nickname)');
    expect(t.error).toBeUndefined();
    expect(t.transactional).toBe(false);
    expect(t.locks).toEqual([]);
    expect(names(t.diff.created)).toEqual(['index:public.users_nick_idx']);
  });

  it('ADD CONSTRAINT … NOT VALID then VALIDATE shows in the diff as a validation change', async () => {
    await trace("ALTER TABLE users ADD CONSTRAINT email_nonempty CHECK (email <> '') NOT VALID");
    const t = await trace('ALTER TABLE users VALIDATE CONSTRAINT email_nonempty');
    expect(t.diff.changed).toEqual([
      {
        object: { kind: 'constraint', name: 'public.users.email_nonempty', table: 'public.users' },
        before: "CHECK ((email <> ''::text)) NOT VALID",
        after: "CHECK ((email <> ''::text))",
      },
    ]);
    expect(t.locks).toContainEqual({ relation: 'public.users', mode: 'ShareUpdateExclusiveLock' });
  });

  it('ALTER TYPE … ADD VALUE shows the enum change', async () => {
    const t = await trace("ALTER TYPE mood ADD VALUE 'ok'");
    expect(t.diff.changed).toEqual([
      {
        object: { kind: 'type', name: 'public.mood' },
        before: "ENUM ('happy', 'sad')",
        after: "ENUM ('happy', 'sad', 'ok')",
      },
    ]);
  });

  it('a DROP inside a DO block (dynamic SQL) appears in diff.dropped', async () => {
    await trace('CREATE TABLE scratch (a int)');
    const t = await trace(`DO $$ BEGIN EXECUTE 'DROP TABLE ' || 'scratch'; END $$`);
    expect(names(t.diff.dropped)).toEqual(['column:public.scratch.a', 'table:public.scratch']);
    expect(t.locks).toContainEqual({ relation: 'public.scratch', mode: 'AccessExclusiveLock' });
  });

  it('DROP … CASCADE lists the victims (the view, the foreign key) in diff.dropped', async () => {
    const t = await trace('DROP TABLE users CASCADE');
    const dropped = names(t.diff.dropped);
    expect(dropped).toContain('table:public.users');
    expect(dropped).toContain('view:public.user_emails');
    expect(dropped).toContain('constraint:public.orders.orders_user_id_fkey');
    expect(dropped).not.toContain('table:public.orders');
    expect(t.locks).toContainEqual({ relation: 'public.orders', mode: 'AccessExclusiveLock' });
    expect(snapshotHas(snapshot, 'table', 'users')).toBe(false);
    expect(snapshotHas(snapshot, 'table', 'orders')).toBe(true);
  });

  it('a failing statement reports the message and SQLSTATE, rolls back, and leaves the session usable', async () => {
    const before = snapshot;
    const t = await trace('ALTER TABLE orders ADD COLUMN total numeric NOT NULL DEFAULT 1/0');
    expect(t.error?.code).toBe('22012');
    expect(t.error?.message).toMatch(/division by zero/);
    expect(snapshot).toBe(before);
    const status = await client.query<{ ok: boolean }>(
      "SELECT NOT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = 'orders'::regclass AND attname = 'total') AS ok",
    );
    expect(status.rows[0]?.ok).toBe(true);
  });

  it('commits each statement so the next one sees it', async () => {
    await trace('CREATE TABLE later (id int)');
    const t = await trace('ALTER TABLE later ADD COLUMN b int');
    expect(t.error).toBeUndefined();
    // created in this run: the lock on it is reported since it existed before THIS statement
    expect(t.locks).toContainEqual({ relation: 'public.later', mode: 'AccessExclusiveLock' });
  });

  it('a DO block that commits itself is traced outside a transaction', async () => {
    const t = await trace('DO $$ BEGIN CREATE TABLE committed_inside (a int); COMMIT; END $$');
    expect(t.error).toBeUndefined();
    expect(t.transactional).toBe(false);
    expect(names(t.diff.created)).toEqual(['column:public.committed_inside.a', 'table:public.committed_inside']);
  });

  it('skips transaction control written in the file', async () => {
    const before = snapshot;
    const r = await traceStatement(client, await statement('BEGIN'), snapshot);
    expect(r.after).toBe(before);
    expect(r.trace.error).toBeUndefined();
    const inTx = await client.query<{ n: string }>(
      "SELECT count(*) AS n FROM pg_stat_activity WHERE pid = pg_backend_pid() AND state = 'idle in transaction'",
    );
    expect(inTx.rows[0]?.n).toBe('0');
  });
});
