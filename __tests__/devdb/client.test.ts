import { connect, withClient, withDatabase } from '../../src/db/client.js';
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
