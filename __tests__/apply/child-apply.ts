/**
 * A child process for the crash tests: runs apply() with options from the environment and prints
 * its result as JSON. Run with `node --experimental-transform-types --import ./__tests__/helpers/register-ts.mjs __tests__/apply/child-apply.ts`.
 */
import { apply } from '../../src/apply/index.js';
import { stderrLogger } from '../../src/logger.js';

const r = await apply({
  databaseUrl: process.env.CHILD_DATABASE_URL ?? '',
  dir: process.env.CHILD_DIR ?? '',
  format: 'plain',
  cwd: process.env.CHILD_DIR,
  logger: stderrLogger(false),
  lockWaitMs: 60_000,
});
process.stdout.write(`${JSON.stringify({ ok: r.ok, appliedCount: r.appliedCount, error: r.error?.message })}\n`);
process.exitCode = r.ok ? 0 : 1;
