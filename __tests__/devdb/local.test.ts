import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { withClient } from '../../src/db/client.js';
import { findPostgresInstallations } from '../../src/devdb/binaries.js';
import { startLocal, type LocalServer } from '../../src/devdb/local.js';
import { portAcceptsConnections } from '../../src/devdb/ports.js';
import { canTraverse, isRoot, serverUser } from '../../src/devdb/runAs.js';
import { liveCount } from '../../src/devdb/teardown.js';
import { DbActionError } from '../../src/errors.js';
import { MemoryLogger } from '../../src/logger.js';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('local provider', () => {
  it('finds the installed PostgreSQL binaries', async () => {
    const all = await findPostgresInstallations();
    expect(all.length).toBeGreaterThan(0);
    expect(all[0]!.major).toBeGreaterThanOrEqual(12);
    expect(existsSync(`${all[0]!.bindir}/initdb`)).toBe(true);
  });

  it('starts a loopback-only server on a free port, as an unprivileged user when root, and removes everything on close', async () => {
    const logger = new MemoryLogger();
    let db: LocalServer | undefined;
    try {
      db = await startLocal({ logger });
      const { cluster } = db;
      process.stderr.write(`local dev database ready in ${db.startupMs} ms (PostgreSQL ${db.binaries.version})\n`);
      expect(db.provider).toBe('local');
      expect(db.startupMs).toBeGreaterThan(0);
      expect(liveCount()).toBeGreaterThanOrEqual(1);

      const url = new URL(db.url);
      expect(url.hostname).toBe('127.0.0.1');
      expect(Number(url.port)).toBe(cluster.port);

      const row = await withClient(db.url, async (c) => {
        const r = await c.query<{
          one: number;
          listen: string;
          port: string;
          fsync: string;
          v: string;
          db: string;
          tables: string;
        }>(
          `select 1 as one, current_setting('listen_addresses') as listen, current_setting('port') as port,
                  current_setting('fsync') as fsync, current_setting('server_version_num') as v, current_database() as db,
                  (select count(*) from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = 'public') as tables`,
        );
        return r.rows[0]!;
      });
      expect(row).toEqual({
        one: 1,
        listen: '127.0.0.1',
        port: String(cluster.port),
        fsync: 'off',
        v: String(db.serverVersionNum),
        db: 'postgres',
        tables: '0',
      });

      // Root: the server process and its files belong to the unprivileged user.
      const owner = statSync(`${cluster.dir}/data`).uid;
      if (isRoot()) {
        expect(cluster.runAs).toBeDefined();
        expect(owner).toBe(cluster.runAs!.uid);
        expect(owner).not.toBe(0);
        expect(logger.text()).toMatch(/running as root: PostgreSQL runs as user (postgres|nobody)/);
      } else {
        expect(owner).toBe(process.getuid!());
      }
      expect(alive(cluster.pid)).toBe(true);
      expect(await portAcceptsConnections(cluster.port)).toBe(true);
      // The password file used by initdb is gone; the password is random.
      expect(existsSync(`${cluster.dir}/pwfile`)).toBe(false);
      expect(cluster.password).toMatch(/^[0-9a-f]{36}$/);

      await db.close();
      await db.close(); // idempotent
      expect(alive(cluster.pid)).toBe(false);
      expect(await portAcceptsConnections(cluster.port)).toBe(false);
      expect(existsSync(cluster.dir)).toBe(false);
    } finally {
      await db?.close();
    }
  });

  it('never logs the password', async () => {
    const logger = new MemoryLogger();
    const db = await startLocal({ logger });
    try {
      expect(logger.text()).not.toContain(db.cluster.password);
      expect(logger.text()).toMatch(/ready on 127\.0\.0\.1:\d+ in \d+ ms/);
    } finally {
      await db.close();
    }
  });

  it('runs two servers side by side', async () => {
    const [a, b] = await Promise.all([
      startLocal({ logger: new MemoryLogger() }),
      startLocal({ logger: new MemoryLogger() }),
    ]);
    try {
      expect(a.cluster.port).not.toBe(b.cluster.port);
      await withClient(a.url, (c) => c.query('create table only_in_a (id int)'));
      const inB = await withClient(b.url, async (c) => (await c.query("select to_regclass('only_in_a') as t")).rows[0]);
      expect(inB).toEqual({ t: null });
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  (isRoot() ? it : it.skip)('as root, with a TMPDIR the server user cannot reach, falls back to /tmp', async () => {
    const runAs = serverUser()!;
    const privateTmp = mkdtempSync(join(tmpdir(), 'db-action-private-')); // 0700, owned by root
    expect(canTraverse(privateTmp, runAs)).toBe(false);
    expect(canTraverse('/tmp', runAs)).toBe(true);
    const logger = new MemoryLogger();
    try {
      const db = await startLocal({ logger, tmpDir: privateTmp });
      try {
        expect(db.cluster.dir.startsWith('/tmp/db-action-pg-')).toBe(true);
        expect(logger.text()).toMatch(/is not reachable by user .*; using \/tmp/);
      } finally {
        await db.close();
      }
    } finally {
      rmSync(privateTmp, { recursive: true, force: true });
    }
  });

  it('copies a cached template (0700, server user) and still requires the random password over TCP', async () => {
    await startLocal({ logger: new MemoryLogger() }).then((db) => db.close()); // make sure the template exists
    const logger = new MemoryLogger();
    const db = await startLocal({ logger });
    try {
      expect(logger.text()).toMatch(/copied the template in \d+ ms/);
      expect(logger.text()).not.toMatch(/initdb took/);
      const root = readdirSync(tmpdir()).find((n) => /^db-action-template-[0-9a-f]{16}$/.test(n));
      expect(root).toBeDefined();
      const s = statSync(join(tmpdir(), root!));
      expect(s.mode & 0o777).toBe(0o700);
      expect(s.uid).toBe(db.cluster.runAs?.uid ?? process.getuid!());

      const wrong = new URL(db.url);
      wrong.password = 'not-the-password';
      await expect(withClient(wrong.toString(), (c) => c.query('select 1'))).rejects.toThrow(
        /password authentication failed/,
      );
      const noPassword = new URL(db.url);
      noPassword.password = '';
      await expect(withClient(noPassword.toString(), (c) => c.query('select 1'))).rejects.toThrow(DbActionError);
      expect(await withClient(db.url, async (c) => (await c.query('select 1 as n')).rows[0])).toEqual({ n: 1 });
    } finally {
      await db.close();
    }
  });

  it('without the template, runs initdb with the password file', async () => {
    const logger = new MemoryLogger();
    const db = await startLocal({ logger, template: false });
    try {
      expect(logger.text()).toMatch(/initdb took \d+ ms/);
      expect(await withClient(db.url, async (c) => (await c.query('select 1 as n')).rows[0])).toEqual({ n: 1 });
    } finally {
      await db.close();
    }
  });

  it('recovers from a damaged template: removes it, runs initdb once, rebuilds it next time', async () => {
    const parent = mkdtempSync(join(tmpdir(), 'db-action-tpltest-'));
    chmodSync(parent, 0o755); // reachable by the server user when root
    try {
      await startLocal({ logger: new MemoryLogger(), tmpDir: parent }).then((db) => db.close());
      const root = readdirSync(parent).find((n) => n.startsWith('db-action-template-'));
      expect(root).toBeDefined();
      writeFileSync(join(parent, root!, 'data', 'global', 'pg_control'), ''); // owner kept: root writes in place

      const logger = new MemoryLogger();
      const db = await startLocal({ logger, tmpDir: parent });
      try {
        expect(logger.text()).toMatch(/did not start; removing/);
        expect(logger.text()).toMatch(/initdb took \d+ ms/);
        expect(await withClient(db.url, async (c) => (await c.query('select 1 as n')).rows[0])).toEqual({ n: 1 });
      } finally {
        await db.close();
      }
      const again = new MemoryLogger();
      await startLocal({ logger: again, tmpDir: parent }).then((d) => d.close());
      expect(again.text()).toMatch(/built the dev database template/);
    } finally {
      rmSync(parent, { recursive: true, force: true });
    }
  });
});
