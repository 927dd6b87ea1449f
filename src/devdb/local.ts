/**
 * The `local` provider: a throwaway cluster from PostgreSQL binaries installed on this machine.
 * The dev database is the fresh cluster's `postgres` database.
 */
import { performance } from 'node:perf_hooks';

import type { Logger } from '../logger.js';
import { BINDIR_ENV, findPostgresBinaries, type PostgresBinaries } from './binaries.js';
import { startCluster, type Cluster } from './cluster.js';
import { ProviderUnavailable, serverVersionNum } from './provider.js';
import { track } from './teardown.js';
import type { DevDatabase } from './types.js';

export interface LocalServer extends DevDatabase {
  readonly cluster: Cluster;
  readonly provider: 'local' | 'embedded';
  readonly binaries: PostgresBinaries;
}

export interface LocalOptions {
  readonly postgresVersion?: string;
  readonly logger: Logger;
  /** Use these binaries instead of searching (embedded fallback, tests). */
  readonly binaries?: PostgresBinaries;
  /** Where the server's temp directory goes. Default `os.tmpdir()`. */
  readonly tmpDir?: string;
  /** Use the cached template data dir (default true); false runs initdb. */
  readonly template?: boolean;
}

export async function startLocal(options: LocalOptions): Promise<LocalServer> {
  const started = performance.now();
  const { logger } = options;
  const binaries = options.binaries ?? (await findPostgresBinaries(options.postgresVersion));
  if (!binaries) {
    throw new ProviderUnavailable(
      process.env[BINDIR_ENV]?.trim()
        ? `no PostgreSQL server binaries (initdb, postgres) found in ${BINDIR_ENV}=${process.env[BINDIR_ENV]}`
        : 'no PostgreSQL server binaries (initdb, postgres) found in PATH, pg_config, /usr/lib/postgresql, Homebrew',
    );
  }
  if (options.postgresVersion && String(binaries.major) !== options.postgresVersion.split('.')[0]) {
    logger.warn(
      `PostgreSQL ${options.postgresVersion} is not ${options.binaries ? 'what the embedded binaries are' : 'installed locally'}; the dev database uses ${binaries.version} from ${binaries.bindir} (verdicts can differ between major versions: give a dev-url or Docker with the production version)`,
    );
  }
  const cluster = await startCluster({
    bindir: binaries.bindir,
    logger,
    label: 'db-action-pg',
    tmpDir: options.tmpDir,
    template: options.template,
  });
  const untrack = track({
    description: `local postgres pid ${cluster.pid}`,
    close: () => cluster.close(),
    closeSync: () => cluster.closeSync(),
  });
  try {
    const versionNum = await serverVersionNum(cluster.serverUrl, logger);
    const startupMs = Math.round(performance.now() - started);
    logger.debug(
      `local PostgreSQL ${binaries.version} ready on 127.0.0.1:${cluster.port} in ${startupMs} ms (pid ${cluster.pid}, binaries in ${binaries.bindir})`,
    );
    return {
      url: cluster.serverUrl,
      provider: 'local',
      serverVersionNum: versionNum,
      startupMs,
      cluster,
      binaries,
      async close() {
        try {
          await cluster.close();
        } finally {
          untrack();
        }
      },
    };
  } catch (error) {
    await cluster.close().catch(() => undefined);
    untrack();
    throw error;
  }
}
