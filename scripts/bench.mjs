#!/usr/bin/env node
// `npm run bench`: compiles the library (`tsc -p tsconfig.build.json` -> lib/), then runs the benchmarks that exist,
// scripts/bench-lint.mjs and scripts/bench-apply.mjs, printing their output. Each benchmark writes its own section of
// BENCHMARKS.md. Exits non-zero if the compile or any benchmark fails.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const step = (what, args) => {
  console.log(`\n== ${what}`);
  const t0 = Date.now();
  const r = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
  console.log(
    `== ${what}: ${r.status === 0 ? 'ok' : `FAILED (exit ${r.status ?? r.signal})`} in ${((Date.now() - t0) / 1000).toFixed(1)} s`,
  );
  return r.status === 0;
};

if (
  !step('tsc -p tsconfig.build.json (lib/)', [
    join(root, 'node_modules', 'typescript', 'bin', 'tsc'),
    '-p',
    'tsconfig.build.json',
  ])
) {
  process.exit(1);
}
let ok = true;
let ran = 0;
for (const name of ['bench-lint.mjs', 'bench-apply.mjs']) {
  const script = join(root, 'scripts', name);
  if (!existsSync(script)) {
    console.warn(`\n== scripts/${name} does not exist: skipped`);
    continue;
  }
  ran++;
  ok = step(`scripts/${name}`, [script, ...process.argv.slice(2)]) && ok;
}
if (ran === 0) console.warn('no benchmark scripts found');
process.exit(ok ? 0 : 1);
