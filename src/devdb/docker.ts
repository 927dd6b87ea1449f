/**
 * The `docker` provider: a `postgres:<version>` container through testcontainers (durability off),
 * plus the quick "does a Docker engine answer?" check `auto` and the tests use. testcontainers is
 * imported lazily: loading it costs ~0.4 s and it is not needed when another provider is used.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';

import type { Logger } from '../logger.js';
import { FAST_SERVER_SETTINGS } from './cluster.js';
import { ProviderUnavailable, serverVersionNum } from './provider.js';
import { track } from './teardown.js';
import type { DevDatabase } from './types.js';

export const DEFAULT_DOCKER_POSTGRES_VERSION = '16';
const ENGINE_CHECK_TIMEOUT_MS = 3000;

export interface DockerEngineStatus {
  readonly available: boolean;
  /** Why not, when not available (one line). */
  readonly reason?: string;
}

let engineStatus: Promise<DockerEngineStatus> | undefined;

/**
 * Whether a container engine answers, via testcontainers' own discovery (DOCKER_HOST,
 * ~/.testcontainers.properties, the default and rootless sockets). Never waits longer than a few
 * seconds; the answer is cached for the process.
 */
export function dockerEngineStatus(timeoutMs = ENGINE_CHECK_TIMEOUT_MS): Promise<DockerEngineStatus> {
  engineStatus ??= (async (): Promise<DockerEngineStatus> => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<DockerEngineStatus>((resolve) => {
      timer = setTimeout(
        () => resolve({ available: false, reason: `no answer from a Docker engine within ${timeoutMs} ms` }),
        timeoutMs,
      );
      timer.unref();
    });
    const probe = (async (): Promise<DockerEngineStatus> => {
      try {
        const { getContainerRuntimeClient } = await import('testcontainers');
        await getContainerRuntimeClient();
        return { available: true };
      } catch (error) {
        return { available: false, reason: `no Docker engine: ${(error as Error).message}` };
      }
    })();
    try {
      return await Promise.race([probe, timeout]);
    } finally {
      clearTimeout(timer);
    }
  })();
  return engineStatus;
}

export interface DockerOptions {
  /** Major version (image tag `postgres:<version>`). Default 16. */
  readonly postgresVersion?: string;
  readonly logger: Logger;
}

export async function startDocker(options: DockerOptions): Promise<DevDatabase> {
  const started = performance.now();
  const { logger } = options;
  const status = await dockerEngineStatus();
  if (!status.available) throw new ProviderUnavailable(status.reason ?? 'no Docker engine');
  const { GenericContainer, Wait } = await import('testcontainers');
  const image = `postgres:${options.postgresVersion ?? DEFAULT_DOCKER_POSTGRES_VERSION}`;
  const password = randomBytes(18).toString('hex');
  logger.debug(`starting container ${image}`);
  const container = await new GenericContainer(image)
    .withEnvironment({ POSTGRES_PASSWORD: password, POSTGRES_USER: 'postgres', POSTGRES_DB: 'postgres' })
    .withCommand(['postgres', ...FAST_SERVER_SETTINGS.flatMap((s) => ['-c', s])])
    .withExposedPorts(5432)
    // The entrypoint starts a temporary server for init scripts first: ready twice means the real one.
    .withWaitStrategy(
      Wait.forAll([Wait.forLogMessage(/database system is ready to accept connections/, 2), Wait.forListeningPorts()]),
    )
    .withStartupTimeout(120_000)
    .start();
  const id = container.getId();
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= container.stop({ timeout: 0, remove: true, removeVolumes: true }).then(() => undefined);
    return closing;
  };
  const untrack = track({
    description: `container ${id.slice(0, 12)}`,
    close,
    closeSync: () => {
      // testcontainers' reaper (Ryuk) removes it too once this process is gone; this is quicker.
      spawnSync('docker', ['rm', '-f', '-v', id], { stdio: 'ignore', timeout: 10_000 });
    },
  });
  try {
    const url = `postgres://postgres:${password}@${container.getHost()}:${container.getMappedPort(5432)}/postgres`;
    const versionNum = await serverVersionNum(url, logger);
    const startupMs = Math.round(performance.now() - started);
    logger.debug(`container ${image} ready in ${startupMs} ms`);
    return {
      url,
      provider: 'docker',
      serverVersionNum: versionNum,
      startupMs,
      async close() {
        try {
          await close();
        } finally {
          untrack();
        }
      },
    };
  } catch (error) {
    await close().catch(() => undefined);
    untrack();
    throw error;
  }
}
