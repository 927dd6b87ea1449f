/**
 * Base replay on real PostgreSQL: one round trip per file, falling back to one statement at a time
 * for statements that refuse a transaction block, settings re-pinned after files that change them,
 * failures located at the failing statement's line.
 */
import type pg from 'pg';

import { DbActionError } from '../../src/errors.js';
import { silentLogger } from '../../src/logger.js';
import type { MigrationFile } from '../../src/migrations/types.js';
import { openSession, replayBase } from '../../src/lint/replay.js';
import { createTestDatabase, type TestDatabase } from '../helpers/pg.js';

function file(version: string, upSql: string, extra: Partial<MigrationFile> = {}): MigrationFile {
  return {
    version,
    name: `m${version}`,
    relPath: `${version}_m.sql`,
    absPath: `/nowhere/${version}_m.sql`,
    content: upSql,
    upSql,
    upStartLine: 1,
    checksum: '',
    transaction: 'auto',
    repeatable: false,
    ...extra,
  };
}

let db: TestDatabase;
let client: pg.Client;

beforeEach(async () => {
  db = await createTestDatabase('lint_replay');
  client = await openSession(db.url, silentLogger);
});

afterEach(async () => {
  await client?.end();
  await db?.drop();
});

async function exists(regclass: string): Promise<boolean> {
  const r = await client.query<{ ok: boolean }>('SELECT to_regclass($1) IS NOT NULL AS ok', [regclass]);
  return r.rows[0]?.ok === true;
}

describe('openSession', () => {
  it('a failing prelude is a DbActionError naming the problem', async () => {
    const other = await createTestDatabase('lint_prelude');
    try {
      const err = await openSession(other.url, silentLogger, 'CREATE SCHEMA x; CREATE TABLE y.t (a int);').catch(
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(DbActionError);
      expect((err as DbActionError).message).toMatch(/prelude failed.*schema "y" does not exist/);
    } finally {
      await other.drop();
    }
  });

  it('runs the prelude, reconnects so ALTER DATABASE settings apply, and pins the rest', async () => {
    const other = await createTestDatabase('lint_prelude');
    const c = await openSession(
      other.url,
      silentLogger,
      `CREATE SCHEMA measure; DO $$ BEGIN EXECUTE format('ALTER DATABASE %I SET search_path TO measure, public', current_database()); END $$`,
    );
    try {
      const r = await c.query<{ sp: string; tz: string }>(
        "SELECT current_setting('search_path') AS sp, current_setting('TimeZone') AS tz",
      );
      expect(r.rows[0]).toEqual({ sp: 'measure, public', tz: 'UTC' });
    } finally {
      await c.end();
      await other.drop();
    }
  });
});

describe('replayBase', () => {
  it('replays files in order, including CONCURRENTLY next to other statements and after an explicit COMMIT', async () => {
    const failure = await replayBase(
      client,
      [
        file('1', 'CREATE TABLE a (id int);\nCREATE INDEX CONCURRENTLY a_id ON a (id);\n'),
        file('2', 'BEGIN;\nCREATE TABLE b (id int);\nCOMMIT;\nCREATE INDEX CONCURRENTLY b_id ON b (id);\n'),
        file('3', 'CREATE INDEX CONCURRENTLY a_id2 ON a (id)'),
        file('4', '-- nothing but a comment'),
        file('5', 'ALTER TABLE a ADD COLUMN v int -- no final semicolon, a trailing comment'),
      ],
      { logger: silentLogger },
    );
    expect(failure).toBeUndefined();
    for (const rel of ['a', 'a_id', 'b', 'b_id', 'a_id2']) expect(await exists(rel)).toBe(true);
    const v = await client.query("SELECT 1 FROM pg_attribute WHERE attrelid = 'a'::regclass AND attname = 'v'");
    expect(v.rowCount).toBe(1);
  });

  it('runs transaction: none files one statement at a time (a failure keeps the earlier statements)', async () => {
    const failure = await replayBase(
      client,
      [file('1', 'CREATE TABLE a (id int);\nCREATE TABLE a (id int);\n', { transaction: 'none' })],
      { logger: silentLogger },
    );
    expect(failure).toMatchObject({ line: 2, code: '42P07' });
    expect(await exists('a')).toBe(true);
  });

  it('locates the failing statement of a whole-file replay and rolls the file back', async () => {
    const failure = await replayBase(
      client,
      [
        file('1', 'CREATE TABLE ok (id int);\n'),
        file(
          '2',
          '-- header\nCREATE TABLE half (id int);\n\nINSERT INTO half\n  VALUES (1/0);\nCREATE TABLE never (id int);\n',
        ),
        file('3', 'CREATE TABLE after (id int);\n'),
      ],
      { logger: silentLogger },
    );
    expect(failure?.migration.version).toBe('2');
    expect(failure).toMatchObject({ line: 4, endLine: 5, code: '22012' });
    expect(failure?.message).toMatch(/division by zero/);
    expect(await exists('ok')).toBe(true);
    expect(await exists('half')).toBe(false);
    expect(await exists('after')).toBe(false);
  });

  it('keeps statement line numbers of a dbmate-style up section (upStartLine)', async () => {
    const failure = await replayBase(client, [file('1', 'SELECT 1;\nSELECT nope;\n', { upStartLine: 3 })], {
      logger: silentLogger,
    });
    expect(failure).toMatchObject({ line: 4, code: '42703' });
  });

  it('re-pins session settings after a file that changes them (pg_dump-style empty search_path)', async () => {
    const failure = await replayBase(
      client,
      [
        file(
          '1',
          "SELECT pg_catalog.set_config('search_path', '', false);\nCREATE TABLE public.a (id int);\nSET statement_timeout = '1ms';\n",
        ),
        file('2', 'CREATE TABLE b (id int);\nSELECT pg_sleep(0.05);\n'),
      ],
      { logger: silentLogger },
    );
    expect(failure).toBeUndefined();
    expect(await exists('public.b')).toBe(true);
    const s = await client.query<{ tz: string; st: string }>(
      "SELECT current_setting('TimeZone') AS tz, current_setting('statement_timeout') AS st",
    );
    expect(s.rows[0]).toEqual({ tz: 'UTC', st: '0' });
  });

  it('reports a file that does not parse at its line (whole-file or parsed first)', async () => {
    const whole = await replayBase(client, [file('1', 'CREATE TABLE a (id int);\nCREATE TABEL b (id int);\n')], {
      logger: silentLogger,
    });
    expect(whole).toMatchObject({ line: 2, code: '42601' });

    const failure = await replayBase(
      client,
      [file('1', 'CREATE TABLE a (id int);\nCREATE TABEL b (id int);\n', { transaction: 'none' })],
      {
        logger: silentLogger,
      },
    );
    expect(failure?.line).toBe(2);
    expect(failure?.message).toMatch(/does not parse/);
  });
});
