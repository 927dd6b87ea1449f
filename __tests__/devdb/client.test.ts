import { jest } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { apply, status } from '../../src/apply/index.js';
import { main } from '../../src/cli.js';
import { connect, ConnectionError, pgConnectionString, withClient, withDatabase } from '../../src/db/client.js';
import { startEmbedded } from '../../src/devdb/embedded.js';
import { startLocal, type LocalServer } from '../../src/devdb/local.js';
import { freePort } from '../../src/devdb/ports.js';
import { DbActionError } from '../../src/errors.js';
import { MemoryLogger } from '../../src/logger.js';
import { testServerUrl } from '../helpers/pg.js';

const TRICKY = 'p@ss:w/rd%40-Ünï';

/** Everything about an error a user or a log could see. */
function everything(e: unknown): string {
  const err = e as DbActionError;
  const cause = err.cause as Error | undefined;
  return [err.message, err.hint, err.format(), err.stack, cause?.message, cause?.stack, JSON.stringify(err)].join('\n');
}

async function connectError(url: string, logger = new MemoryLogger()): Promise<DbActionError> {
  try {
    const c = await connect(url, { logger, connectTimeoutMs: 5000 });
    await c.end();
  } catch (e) {
    expect(e).toBeInstanceOf(DbActionError);
    return e as DbActionError;
  }
  throw new Error('connect() unexpectedly succeeded');
}

function withPassword(url: string, password: string): string {
  const u = new URL(url);
  u.password = encodeURIComponent(password);
  return u.toString();
}

describe('connect', () => {
  it('connects and withClient closes the connection afterwards', async () => {
    let pid = 0;
    const n = await withClient(testServerUrl(), async (c) => {
      pid = (await c.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]!.pid;
      return (await c.query<{ n: number }>('select 1 as n')).rows[0]!.n;
    });
    expect(n).toBe(1);
    // The backend is gone once withClient returns (allow the server a moment to notice).
    await withClient(testServerUrl(), async (c) => {
      for (let i = 0; i < 50; i++) {
        if ((await c.query('select 1 from pg_stat_activity where pid = $1', [pid])).rowCount === 0) return;
        await new Promise((r) => setTimeout(r, 20));
      }
      throw new Error(`backend ${pid} still alive`);
    });
  });

  it('withClient closes the connection when fn throws', async () => {
    let client: { end(): Promise<void> } | undefined;
    await expect(
      withClient(testServerUrl(), async (c) => {
        client = c;
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    // ending an ended client rejects or resolves, but querying it must fail
    await expect((client as unknown as { query(q: string): Promise<unknown> }).query('select 1')).rejects.toThrow();
  });

  it('a wrong password: auth hint, password nowhere', async () => {
    const logger = new MemoryLogger();
    const e = await connectError(withPassword(testServerUrl(), TRICKY), logger);
    expect(e.message).toMatch(/could not connect to 127\.0\.0\.1:\d+\/postgres: .*password authentication failed/);
    expect(e.hint).toMatch(/authentication failed/);
    const all = everything(e) + logger.text();
    for (const s of [TRICKY, encodeURIComponent(TRICKY), 'p@ss', 'w/rd']) expect(all).not.toContain(s);
  });

  it('a refused port: hint says nothing listens, password nowhere', async () => {
    const port = await freePort();
    const e = await connectError(`postgres://app:${encodeURIComponent(TRICKY)}@127.0.0.1:${port}/db`);
    expect(e.message).toContain(`127.0.0.1:${port}/db`);
    expect(e.hint).toMatch(/nothing accepts connections at 127\.0\.0\.1:\d+/);
    expect(everything(e)).not.toContain('p@ss');
  });

  it('an unknown database: hint says so', async () => {
    const e = await connectError(withDatabase(testServerUrl(), 'no_such_db_x'));
    expect(e.hint).toMatch(/database does not exist/);
  });

  it('an unknown host: hint about the host name', async () => {
    const e = await connectError(`postgres://app:${encodeURIComponent(TRICKY)}@no-such-host.invalid:5432/db`);
    expect(e.hint).toMatch(/host name does not resolve|did not answer/);
    expect(everything(e)).not.toContain('p@ss');
  });

  it('a malformed URL: DbActionError with a percent-encoding hint, URL nowhere', async () => {
    const bad = `postgres://app:${TRICKY}@db host/x`;
    const e = await connectError(bad);
    expect(e.message).toMatch(/not a valid URL/);
    expect(e.hint).toMatch(/percent-encode/);
    expect(everything(e)).not.toContain('p@ss');
    const e2 = await connectError('mysql://u:secretpw@h/d');
    expect(e2.message).toMatch(/must start with postgres:\/\//);
    expect(everything(e2)).not.toContain('secretpw');
  });
});

/**
 * `sslmode` with libpq's meaning, on a real server with `ssl=on` and a self-signed certificate (its own
 * throwaway cluster: the shared test server is left as it is). Skipped, saying why, without openssl.
 */
const openssl = spawnSync('openssl', ['version'], { encoding: 'utf8' });
const haveOpenssl = openssl.status === 0;
if (!haveOpenssl) {
  process.stderr.write(
    `TLS connection tests skipped: openssl is not installed (${openssl.error?.message ?? openssl.stderr.trim()}); install it to run them\n`,
  );
}

(haveOpenssl ? describe : describe.skip)('sslmode (server with ssl=on and a self-signed certificate)', () => {
  let server: LocalServer;
  let certDir: string;
  let crt: string;
  /** The TLS server's superuser URL with these query parameters. */
  const tlsUrl = (query: string, host = '127.0.0.1'): string => {
    const u = new URL(server.url);
    u.hostname = host;
    return `${u.toString()}?${query}`;
  };
  /** What node-postgres passes to process.emitWarning (its SECURITY WARNING about sslmode goes there). */
  const warnings: string[] = [];
  let emitWarning: { mockRestore(): void } | undefined;

  beforeAll(async () => {
    emitWarning = jest.spyOn(process, 'emitWarning').mockImplementation((w: string | Error) => {
      warnings.push(typeof w === 'string' ? w : w.message);
    });
    const logger = new MemoryLogger();
    server = await startLocal({ logger }).catch(() => startEmbedded({ logger }));
    // In the cluster's own directory (0700, owned by the server's user): the key must be 0600 and the server's.
    certDir = join(server.cluster.dir, 'tls');
    mkdirSync(certDir);
    const made = spawnSync(
      'openssl',
      [
        'req',
        '-new',
        '-x509',
        '-days',
        '1',
        '-nodes',
        '-subj',
        '/CN=localhost',
        '-keyout',
        'server.key',
        '-out',
        'server.crt',
      ],
      { cwd: certDir, encoding: 'utf8' },
    );
    if (made.status !== 0) throw new Error(`openssl req failed: ${made.stderr}`);
    crt = join(certDir, 'server.crt');
    const key = join(certDir, 'server.key');
    chmodSync(key, 0o600);
    const runAs = server.cluster.runAs;
    if (runAs) for (const p of [certDir, crt, key]) chownSync(p, runAs.uid, runAs.gid);
    await withClient(server.url, async (c) => {
      await c.query(`ALTER SYSTEM SET ssl_cert_file = '${crt}'`);
      await c.query(`ALTER SYSTEM SET ssl_key_file = '${key}'`);
      await c.query('ALTER SYSTEM SET ssl = on');
      await c.query('SELECT pg_reload_conf()');
      for (let i = 0; i < 100; i++) {
        if ((await c.query<{ ssl: string }>('SHOW ssl')).rows[0]?.ssl === 'on') return;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error('the server did not turn ssl on');
    });
  }, 120_000);

  afterAll(async () => {
    emitWarning?.mockRestore();
    await server?.close();
  });

  /** Whether the session `c` is encrypted, from the server's side. */
  async function encrypted(url: string): Promise<boolean> {
    return withClient(url, async (c) => {
      const r = await c.query<{ ssl: boolean }>('SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()');
      return r.rows[0]?.ssl ?? false;
    });
  }

  it('sslmode=require connects encrypted to a self-signed certificate (as psql does), with no SECURITY WARNING', async () => {
    expect(await encrypted(tlsUrl('sslmode=require'))).toBe(true);
    expect(await encrypted(tlsUrl('sslmode=prefer'))).toBe(true);
    // node-postgres's own spelling keeps its meaning
    expect(await encrypted(tlsUrl('sslmode=no-verify'))).toBe(true);
    expect(await encrypted(tlsUrl('sslmode=disable'))).toBe(false);
    expect(warnings.filter((w) => /SECURITY WARNING|sslmode/i.test(w))).toEqual([]);
    // node-postgres's legacy reading, asked for explicitly, is left alone: require = verify-full, with its
    // warning (which shows the listener above would have seen it)
    const legacy = await connectError(tlsUrl('sslmode=require&uselibpqcompat=false'));
    expect(legacy.hint).toMatch(/TLS certificate did not verify \(sslmode=require/);
    expect(warnings.join('\n')).toMatch(
      /SECURITY WARNING: The SSL modes 'prefer', 'require', and 'verify-ca' are treated as aliases/,
    );
  });

  it('sslmode=verify-full on a certificate no CA vouches for: the hint names sslmode and sslrootcert', async () => {
    const e = await connectError(tlsUrl('sslmode=verify-full'));
    expect(e).toBeInstanceOf(ConnectionError);
    expect(e.message).toMatch(/could not connect to 127\.0\.0\.1:\d+\/postgres: .*certificate/);
    expect(e.hint).toMatch(/TLS certificate did not verify \(sslmode=verify-full/);
    expect(e.hint).toMatch(/sslrootcert=/);
    expect(e.hint).toMatch(/sslmode=require to encrypt without verifying/);
    expect(everything(e)).not.toContain(server.cluster.password);
  });

  it('verify-ca and verify-full verify against sslrootcert: the CA, and for verify-full the host name too', async () => {
    expect(await encrypted(tlsUrl(`sslmode=verify-ca&sslrootcert=${encodeURIComponent(crt)}`))).toBe(true);
    expect(await encrypted(tlsUrl(`sslmode=verify-full&sslrootcert=${encodeURIComponent(crt)}`, 'localhost'))).toBe(
      true,
    );
    // the certificate is for localhost, not 127.0.0.1
    const e = await connectError(tlsUrl(`sslmode=verify-full&sslrootcert=${encodeURIComponent(crt)}`));
    expect(e.hint).toMatch(/not for the host name in the URL/);
    // verify-ca without a CA file
    const noCa = await connectError(tlsUrl('sslmode=verify-ca'));
    expect(noCa.hint).toMatch(/sslmode=verify-ca needs the CA certificate: add sslrootcert=/);
  });

  it('apply and status connect with sslmode=require too (the connection every command makes)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'db-action-tls-'));
    try {
      writeFileSync(join(dir, '1_a.sql'), 'CREATE TABLE tls_a (id int);\n');
      const options = { databaseUrl: tlsUrl('sslmode=require'), dir, format: 'plain' as const, cwd: dir };
      const r = await apply({ ...options, logger: new MemoryLogger() });
      expect(r.error).toBeUndefined();
      expect(r.appliedCount).toBe(1);
      const s = await status({ ...options, logger: new MemoryLogger() });
      expect(s.error).toBeUndefined();
      expect(s.migrations.map((m) => m.state)).toEqual(['applied']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
      await withClient(server.url, (c) => c.query('DROP TABLE IF EXISTS tls_a'));
    }
  });
  it('lint --dev-url with sslmode=require replays on the TLS server (the dev database connections get it too)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'db-action-tls-lint-'));
    try {
      mkdirSync(join(dir, 'migrations'));
      writeFileSync(join(dir, 'migrations', '1_a.sql'), 'CREATE TABLE a (id int);\n');
      writeFileSync(join(dir, 'migrations', '2_b.sql'), 'ALTER TABLE a ADD COLUMN b text;\n');
      let out = '';
      let err = '';
      const code = await main(['lint', '--latest', '1', '--dev-url', tlsUrl('sslmode=require')], {
        env: {},
        cwd: dir,
        isTTY: false,
        stdout: (t) => void (out += t),
        stderr: (t) => void (err += t),
      });
      expect({ code, err }).toEqual({
        code: 0,
        err: expect.not.stringMatching(/could not connect|certificate/) as string,
      });
      expect(out).toMatch(/1 new migration/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('pgConnectionString', () => {
  it('adds uselibpqcompat=true to a libpq sslmode, keeps everything else byte for byte', () => {
    expect(pgConnectionString('postgres://u:p%40ss@h/db?sslmode=require')).toBe(
      'postgres://u:p%40ss@h/db?sslmode=require&uselibpqcompat=true',
    );
    expect(pgConnectionString('postgres://u:p@h/db')).toBe('postgres://u:p@h/db');
    expect(pgConnectionString('postgres://u:p@h/db?sslmode=no-verify')).toBe('postgres://u:p@h/db?sslmode=no-verify');
    expect(pgConnectionString('postgres://u:p@h/db?sslmode=require&uselibpqcompat=false')).toBe(
      'postgres://u:p@h/db?sslmode=require&uselibpqcompat=false',
    );
  });
});
