/**
 * Real PostgreSQL for tests. jest's globalSetup (__tests__/globalSetup.ts) starts ONE server for the
 * run (or uses DB_ACTION_TEST_URL if you set it); each test file takes its own fresh database in it.
 *
 * Usage:
 *
 *   import { createTestDatabase, dockerAvailable, type TestDatabase } from '../helpers/pg.js';
 *   import { withClient } from '../../src/db/client.js';
 *
 *   let db: TestDatabase;
 *   beforeAll(async () => { db = await createTestDatabase(); });
 *   afterAll(async () => { await db.drop(); });
 *
 *   it('creates a table', async () => {
 *     await withClient(db.url, async (c) => {
 *       await c.query('create table t (id int)');
 *       expect((await c.query("select to_regclass('t') is not null as ok")).rows[0].ok).toBe(true);
 *     });
 *   });
 *
 *   // Docker-only tests (skipped here, run in GitHub Actions):
 *   const docker = await dockerAvailable();
 *   (docker ? describe : describe.skip)('docker provider', () => { ... });
 *
 * Top-level await works (tests run as ESM). Run against your own server with
 * `DB_ACTION_TEST_URL=postgres://user:pw@host:5432/postgres node scripts/test.mjs` (a superuser URL:
 * databases are created and dropped in it).
 */
import { randomBytes } from 'node:crypto';

import { quoteIdent, withClient, withDatabase } from '../../src/db/client.js';
import { dockerEngineStatus } from '../../src/devdb/docker.js';

export interface TestDatabase {
  /** URL of a fresh, empty database (superuser). */
  readonly url: string;
  /** Its name. */
  readonly name: string;
  /** Drops it WITH (FORCE): open connections are terminated. Idempotent. */
  drop(): Promise<void>;
}

/** Superuser URL of the shared test server (`postgres` database). */
export function testServerUrl(): string {
  const url = process.env.DB_ACTION_TEST_URL;
  if (!url) {
    throw new Error(
      'DB_ACTION_TEST_URL is not set: run tests through jest (globalSetup starts a server) or set it yourself',
    );
  }
  return url;
}

/** A fresh database named `test_<random>` in the shared server. */
export async function createTestDatabase(prefix = 'test'): Promise<TestDatabase> {
  const server = testServerUrl();
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  await withClient(server, (c) => c.query(`CREATE DATABASE ${quoteIdent(name)}`), {
    applicationName: 'db-action tests',
  });
  let dropped: Promise<void> | undefined;
  return {
    url: withDatabase(server, name),
    name,
    drop() {
      dropped ??= withClient(server, async (c) => {
        const v = Number(
          (await c.query<{ v: string }>("SELECT current_setting('server_version_num') AS v")).rows[0]?.v ?? 0,
        );
        if (v >= 130000) await c.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
        else {
          await c.query(
            'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
            [name],
          );
          await c.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)}`);
        }
      });
      return dropped;
    },
  };
}

let skipReasonPrinted = false;

/**
 * Whether a Docker engine answers (quickly; cached). Prints why not, once per test file. With
 * DB_ACTION_TEST_DOCKER=1 (set in .github/workflows/ci.yml) Docker is required: no engine is an error, so the
 * Docker-only tests can never be skipped silently where they are meant to run.
 */
export async function dockerAvailable(): Promise<boolean> {
  const status = await dockerEngineStatus();
  if (!status.available && process.env.DB_ACTION_TEST_DOCKER === '1') {
    throw new Error(
      `DB_ACTION_TEST_DOCKER=1 but no Docker engine answers: ${status.reason ?? 'unknown reason'}; the Docker-only tests must run here`,
    );
  }
  if (!status.available && !skipReasonPrinted) {
    skipReasonPrinted = true;
    process.stderr.write(
      `Docker-only tests skipped: ${status.reason ?? 'no Docker engine'} (they run in GitHub Actions CI)\n`,
    );
  }
  return status.available;
}
