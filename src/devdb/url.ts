/**
 * The `url` provider: an existing server (a `services: postgres` container, a shared dev server).
 * A fresh database `db_action_dev_<random>` is created in it and dropped on close, so runs never see
 * each other's objects.
 */
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';

import { assertPostgresUrl, describeTarget, quoteIdent, withClient, withDatabase } from '../db/client.js';
import { DbActionError } from '../errors.js';
import type { Logger } from '../logger.js';
import { redact, secretsOf } from '../secrets.js';
import { track } from './teardown.js';
import type { DevDatabase } from './types.js';

export interface UrlOptions {
  /** Server URL; any database the user can connect to (usually `postgres`). */
  readonly url: string;
  readonly logger: Logger;
}

const APP = 'db-action devdb';

/** Drops `name` on the server at `serverUrl`, terminating its connections. */
export async function dropDatabase(serverUrl: string, name: string, logger?: Logger): Promise<void> {
  await withClient(
    serverUrl,
    async (c) => {
      const v = Number(
        (await c.query<{ v: string }>("SELECT current_setting('server_version_num') AS v")).rows[0]?.v ?? 0,
      );
      if (v >= 130000) {
        await c.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
      } else {
        await c.query(
          'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
          [name],
        );
        await c.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)}`);
      }
    },
    { applicationName: APP, logger },
  );
}

export async function startFromUrl(options: UrlOptions): Promise<DevDatabase> {
  const started = performance.now();
  const { url: serverUrl, logger } = options;
  assertPostgresUrl(serverUrl);
  const secrets = secretsOf(serverUrl);
  const name = `db_action_dev_${randomBytes(6).toString('hex')}`;
  const versionNum = await withClient(
    serverUrl,
    async (c) => {
      try {
        await c.query(`CREATE DATABASE ${quoteIdent(name)}`);
      } catch (error) {
        throw new DbActionError(
          `could not create a dev database on ${describeTarget(serverUrl)}: ${redact((error as Error).message, secrets)}`,
          {
            hint: 'the dev database URL needs a user allowed to CREATE DATABASE (a superuser or a role with CREATEDB)',
            cause: new Error(redact((error as Error).message, secrets)),
          },
        );
      }
      return Number((await c.query<{ v: string }>("SELECT current_setting('server_version_num') AS v")).rows[0]?.v);
    },
    { applicationName: APP, logger },
  );
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= dropDatabase(serverUrl, name, logger);
    return closing;
  };
  const untrack = track({
    description: `database ${name}`,
    close,
    // Nothing synchronous can drop a database: a signal gets the async path; a plain exit leaves it.
    closeSync: () => undefined,
  });
  const startupMs = Math.round(performance.now() - started);
  logger.debug(`created dev database ${name} on ${describeTarget(serverUrl)} in ${startupMs} ms`);
  return {
    url: withDatabase(serverUrl, name),
    provider: 'url',
    serverVersionNum: versionNum,
    startupMs,
    async close() {
      try {
        await close();
      } catch (error) {
        logger.warn(`could not drop dev database ${name}: ${redact((error as Error).message, secrets)}`);
      } finally {
        untrack();
      }
    },
  };
}
