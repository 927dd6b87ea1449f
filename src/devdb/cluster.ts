/**
 * A throwaway PostgreSQL cluster from server binaries: `initdb` into a temp dir, `postgres` bound to
 * 127.0.0.1 on a free port with durability off, stopped with an immediate shutdown and removed.
 * Runs as an unprivileged user when this process is root (see runAs.ts).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, chown, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';

import type { Logger } from '../logger.js';
import { freePort } from './ports.js';
import { runToCompletion, serverEnv, sleepSync, Tail } from './spawn.js';
import { INITDB_ARGS, setSuperuserPassword, templateDataDir } from './template.js';
import { track } from './teardown.js';
import { canTraverse, serverUser, spawnIdentity, type RunAs } from './runAs.js';

/** Settings that trade durability for speed: the data is thrown away anyway. */
export const FAST_SERVER_SETTINGS: readonly string[] = ['fsync=off', 'synchronous_commit=off', 'full_page_writes=off'];

export interface Cluster {
  /** Superuser URL of the `postgres` database (secret). */
  readonly serverUrl: string;
  readonly port: number;
  /** Temp directory holding the data dir and the socket; removed on close. */
  readonly dir: string;
  /** Postmaster pid. */
  readonly pid: number;
  readonly password: string;
  /** The user the server runs as, when this process is root. */
  readonly runAs?: RunAs;
  /** Immediate shutdown, wait for exit, remove files. Idempotent. */
  close(): Promise<void>;
  /** Best-effort synchronous teardown for exit handlers. */
  closeSync(): void;
}

export interface ClusterOptions {
  readonly bindir: string;
  readonly logger: Logger;
  /** Prefix of the temp directory name. */
  readonly label?: string;
  /** Where to create the temp directory. Default `os.tmpdir()`. */
  readonly tmpDir?: string;
  /** Copy a cached template data dir instead of running initdb each time (template.ts). Default true. */
  readonly template?: boolean;
}

const READY = /database system is ready to accept connections/;
const BIND_FAILED = /could not (?:bind|create listen socket)|Address already in use/i;
const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 5_000;

function waitForExit(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

interface Postmaster {
  child: ChildProcess;
  tail: Tail;
}

/** Starts `postgres` and resolves once it accepts connections; rejects with its log when it exits first. */
function startPostmaster(
  bindir: string,
  dataDir: string,
  dir: string,
  port: number,
  runAs: RunAs | undefined,
  logger: Logger,
  onSpawn: (child: ChildProcess) => void,
): Promise<Postmaster> {
  const settings = [
    ...FAST_SERVER_SETTINGS,
    'listen_addresses=127.0.0.1',
    `port=${port}`,
    `unix_socket_directories=${dir}`,
    'logging_collector=off',
  ];
  const args = ['-D', dataDir, ...settings.flatMap((s) => ['-c', s])];
  return new Promise((resolve, reject) => {
    const child = spawn(join(bindir, 'postgres'), args, {
      cwd: dir,
      env: serverEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
      ...spawnIdentity(runAs),
    });
    onSpawn(child);
    const tail = new Tail();
    let ready = false;
    const timer = setTimeout(() => {
      child.kill('SIGQUIT');
      reject(new Error(`postgres did not become ready within ${START_TIMEOUT_MS / 1000}s:\n${tail.toString()}`));
    }, START_TIMEOUT_MS);
    const onData = (d: string): void => {
      // Keep draining after startup: a full pipe would block the server.
      tail.push(d);
      if (!ready && READY.test(d)) {
        ready = true;
        clearTimeout(timer);
        resolve({ child, tail });
      }
    };
    child.stdout.setEncoding('utf8').on('data', onData);
    child.stderr.setEncoding('utf8').on('data', onData);
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.once('exit', (code, signal) => {
      if (ready) {
        logger.debug(`dev postgres (pid ${child.pid}) exited (${signal ?? code})`);
        return;
      }
      clearTimeout(timer);
      const error = new Error(`postgres exited during startup (${signal ?? `code ${code}`}):\n${tail.toString()}`);
      (error as Error & { bindFailed?: boolean }).bindFailed = BIND_FAILED.test(tail.toString());
      reject(error);
    });
  });
}

/** Creates, starts and returns a fresh cluster. Throws (plain Error, with the server's output) on failure. */
export async function startCluster(options: ClusterOptions): Promise<Cluster> {
  try {
    return await startClusterOnce(options);
  } catch (error) {
    const template = (error as { fromTemplate?: string }).fromTemplate;
    if (!template) throw error;
    // A damaged template (e.g. a tmp cleaner removed files in it): drop it and initdb this once.
    options.logger.debug(
      `a cluster copied from the template did not start; removing ${template}: ${(error as Error).message}`,
    );
    await rm(dirname(template), { recursive: true, force: true }).catch(() => undefined);
    return startClusterOnce({ ...options, template: false });
  }
}

async function startClusterOnce(options: ClusterOptions): Promise<Cluster> {
  const { bindir, logger } = options;
  const runAs = serverUser();
  let parent = options.tmpDir ?? tmpdir();
  if (runAs) {
    if (!canTraverse(bindir, runAs)) {
      throw new Error(
        `running as root, PostgreSQL must run as user ${runAs.user}, who cannot reach ${bindir} (a parent directory is not world-executable)`,
      );
    }
    // e.g. TMPDIR under /root: the server user could not reach its own data directory.
    if (!canTraverse(parent, runAs)) {
      logger.debug(`${parent} is not reachable by user ${runAs.user}; using /tmp for the dev database`);
      parent = '/tmp';
    }
  }
  const dir = await mkdtemp(join(parent, `${options.label ?? 'db-action-pg'}-`));
  const dataDir = join(dir, 'data');
  let postmaster: Postmaster | undefined;
  let spawned: ChildProcess | undefined;
  let usedTemplate: string | undefined;
  // Until the caller tracks the finished cluster, an interrupt must still remove what exists so far.
  const abandon = (): void => {
    if (spawned && spawned.exitCode === null && spawned.signalCode === null) spawned.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 50 });
  };
  const untrackStartup = track({
    description: `dev postgres starting in ${dir}`,
    close: async () => abandon(),
    closeSync: abandon,
  });
  try {
    if (runAs) {
      await chown(dir, runAs.uid, runAs.gid);
      logger.debug(`running as root: PostgreSQL runs as user ${runAs.user} (uid ${runAs.uid})`);
    }
    await chmod(dir, 0o700);
    // A copy of the cached template when possible, else initdb right here.
    let password: string | undefined;
    const initStarted = performance.now();
    const template =
      options.template === false
        ? undefined
        : await templateDataDir({ bindir, runAs, parent, logger }).catch((error: unknown) => {
            logger.debug(`no dev database template, running initdb: ${(error as Error).message.split('\n')[0]}`);
            return undefined;
          });
    const copied = template ? await runToCompletion('cp', ['-R', '-p', template, dataDir], runAs, dir) : undefined;
    if (copied && copied.code !== 0) logger.debug(`copying the template failed, running initdb: ${copied.output}`);
    if (copied?.code === 0) {
      usedTemplate = template;
      logger.debug(`copied the template in ${Math.round(performance.now() - initStarted)} ms`);
    } else {
      await rm(dataDir, { recursive: true, force: true });
      password = randomBytes(18).toString('hex');
      const pwfile = join(dir, 'pwfile');
      await writeFile(pwfile, `${password}\n`, { mode: 0o600 });
      if (runAs) await chown(pwfile, runAs.uid, runAs.gid);
      const initdb = await runToCompletion(
        join(bindir, 'initdb'),
        ['-D', dataDir, ...INITDB_ARGS, '-A', 'scram-sha-256', `--pwfile=${pwfile}`],
        runAs,
        dir,
      );
      await rm(pwfile, { force: true });
      if (initdb.code !== 0) throw new Error(`initdb failed (exit ${initdb.code}):\n${initdb.output}`);
      logger.debug(`initdb took ${Math.round(performance.now() - initStarted)} ms`);
    }

    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      const postmasterStarted = performance.now();
      try {
        postmaster = await startPostmaster(bindir, dataDir, dir, port, runAs, logger, (c) => (spawned = c));
        logger.debug(`postgres accepted connections after ${Math.round(performance.now() - postmasterStarted)} ms`);
      } catch (error) {
        if ((error as { bindFailed?: boolean }).bindFailed && attempt < 5) {
          logger.debug(`port ${port} was taken, retrying with another`);
          continue;
        }
        throw error;
      }
      // From the template: no password yet; set one over the private socket before handing out the URL.
      password ??= await setSuperuserPassword(dir, port);
      const pm = postmaster;
      const child = pm.child;
      const pid = child.pid ?? 0;
      let closing: Promise<void> | undefined;
      const cluster: Cluster = {
        serverUrl: `postgres://postgres:${password}@127.0.0.1:${port}/postgres`,
        port,
        dir,
        pid,
        password,
        runAs,
        close() {
          closing ??= (async () => {
            if (child.exitCode === null && child.signalCode === null) {
              child.kill('SIGQUIT'); // immediate shutdown: no checkpoint, nothing worth keeping
              if (!(await waitForExit(child, STOP_TIMEOUT_MS))) {
                child.kill('SIGKILL');
                await waitForExit(child, STOP_TIMEOUT_MS);
              }
            }
            await rm(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 50 });
          })();
          return closing;
        },
        closeSync() {
          if (child.exitCode === null && child.signalCode === null) {
            try {
              process.kill(pid, 'SIGQUIT');
            } catch {
              // already gone
            }
            // No event loop here: poll for the postmaster's lock file, which it removes as it exits.
            const lock = join(dataDir, 'postmaster.pid');
            const end = Date.now() + STOP_TIMEOUT_MS;
            while (existsSync(lock) && Date.now() < end) sleepSync(10);
          }
          rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 50 });
        },
      };
      return cluster;
    }
  } catch (error) {
    if (usedTemplate && error instanceof Error && !(error as { bindFailed?: boolean }).bindFailed) {
      (error as Error & { fromTemplate?: string }).fromTemplate = usedTemplate;
    }
    if (spawned && spawned.exitCode === null && spawned.signalCode === null) spawned.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 50 }).catch(() => undefined);
    throw error;
  } finally {
    untrackStartup();
  }
}
