/**
 * Dev databases go away when the run is interrupted: a child node process starts one, gets a signal
 * (or exits without closing), and the server process, its port and its data dir must all be gone.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { withClient } from '../../src/db/client.js';
import { portAcceptsConnections } from '../../src/devdb/ports.js';
import { testServerUrl } from '../helpers/pg.js';

const here = dirname(fileURLToPath(import.meta.url));
const fixture = join(here, 'fixtures', 'start-dev-db.ts');
const registerTs = join(here, '..', 'helpers', 'register-ts.mjs');

interface Started {
  url: string;
  pid?: number;
  dir?: string;
  port?: number;
}

/** Alive and not a zombie (a zombie no longer runs; it only waits for a reaper). */
function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^\d+ \(.*\) Z/.test(stat);
  } catch {
    return true; // no /proc (macOS): kill(0) said it exists
  }
}

async function eventually(check: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return check();
}

function startChild(args: string[], env: NodeJS.ProcessEnv = {}) {
  const child = spawn(process.execPath, ['--import', registerTs, fixture, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const started = new Promise<Started>((resolve, reject) => {
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      const line = out.split('\n')[0];
      if (out.includes('\n') && line) resolve(JSON.parse(line) as Started);
    });
    void exited.then(({ code, signal }) =>
      reject(new Error(`child exited before starting (${signal ?? code}): ${stderr}`)),
    );
  });
  return { child, started, exited, stderr: () => stderr };
}

describe('teardown when interrupted', () => {
  it.each(['SIGINT', 'SIGTERM'] as const)(
    '%s stops the local server, frees its port, removes its dir, then dies of the signal',
    async (signal) => {
      const { child, started, exited } = startChild(['local', 'wait']);
      const info = await started;
      expect(info.pid).toBeGreaterThan(0);
      expect(running(info.pid!)).toBe(true);
      expect(existsSync(info.dir!)).toBe(true);
      expect(await portAcceptsConnections(info.port!)).toBe(true);

      child.kill(signal);
      const result = await exited;
      // The default behaviour is re-raised after cleanup: killed by the same signal.
      expect(result.signal).toBe(signal);
      expect(await eventually(() => !running(info.pid!))).toBe(true);
      expect(existsSync(info.dir!)).toBe(false);
      expect(await portAcceptsConnections(info.port!)).toBe(false);
    },
  );

  it('with a SIGINT handler of its own, the program keeps control of its exit; the server still goes', async () => {
    const { child, started, exited } = startChild(['local', 'own-handler']);
    const info = await started;
    child.kill('SIGINT');
    expect(await exited).toEqual({ code: 3, signal: null });
    expect(await eventually(() => !running(info.pid!))).toBe(true);
    expect(await eventually(() => !existsSync(info.dir!))).toBe(true);
  });

  it('a plain exit without close() still stops the server and removes its dir', async () => {
    const { started, exited } = startChild(['local', 'exit']);
    const info = await started;
    expect((await exited).code).toBe(0);
    expect(await eventually(() => !running(info.pid!))).toBe(true);
    expect(await eventually(() => !existsSync(info.dir!))).toBe(true);
  });

  it('SIGINT drops the database the url provider created', async () => {
    const { child, started, exited } = startChild(['url', 'wait'], { DEV_URL: testServerUrl() });
    const info = await started;
    const name = decodeURIComponent(new URL(info.url).pathname.slice(1));
    expect(name).toMatch(/^db_action_dev_[0-9a-f]{12}$/);
    const count = () =>
      withClient(
        testServerUrl(),
        async (c) => (await c.query('select 1 from pg_database where datname = $1', [name])).rowCount,
      );
    expect(await count()).toBe(1);
    child.kill('SIGINT');
    expect((await exited).signal).toBe('SIGINT');
    expect(await count()).toBe(0);
  });
});
