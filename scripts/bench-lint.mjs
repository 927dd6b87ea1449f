#!/usr/bin/env node
// Lint benchmark (run by `npm run bench`, or alone after `tsc -p tsconfig.build.json`; it compiles lib/ if missing).
//
// Input: ../shared/corpus/trigger-dev-prisma (820 Prisma migrations), the last 5 as new (`latest: 5`), on a local
// dev database (PostgreSQL binaries of this machine). Compared with:
//   (a) the floor: dev database boot + a raw `psql -X -q -f` replay of the same files over ONE session on that server
//       (one generated script that `\i`s every migration.sql in order; CONCURRENTLY files run fine in psql's autocommit);
//   (b) squawk (static linter, node_modules/.bin/squawk) on the 5 new files.
// Also the dev database ready time. Median of 3 runs each. Targets: lint total <= 1.3 x (boot + psql replay);
// dev database ready <= 1.5 s. Prints a table and writes the "lint" section of BENCHMARKS.md (other sections kept).
//
//   node scripts/bench-lint.mjs [--runs 3] [--no-write]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const corpus = join(root, '..', 'shared', 'corpus', 'trigger-dev-prisma');
const argv = process.argv.slice(2);
const runsIdx = argv.indexOf('--runs');
const RUNS = runsIdx >= 0 ? Number(argv[runsIdx + 1]) : 3;
const WRITE = !argv.includes('--no-write');
const LATEST = 5;
const TARGET_RATIO = 1.3;
const TARGET_READY_MS = 1500;

if (!existsSync(corpus)) {
  console.error(`bench-lint: corpus not found at ${corpus}`);
  process.exit(1);
}
if (!existsSync(join(root, 'lib', 'lint', 'index.js'))) {
  console.log('bench-lint: lib/ missing; compiling (tsc -p tsconfig.build.json)');
  const r = spawnSync(
    process.execPath,
    [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'],
    { cwd: root, stdio: 'inherit' },
  );
  if (r.status !== 0) process.exit(1);
}
const lib = (p) => import(pathToFileURL(join(root, 'lib', p)).href);
const { lint } = await lib('lint/index.js');
const { startDevDatabase } = await lib('devdb/index.js');
const { loadMigrationDirectory } = await lib('migrations/index.js');
const { silentLogger } = await lib('logger.js');

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const ms = (x) => `${Math.round(x)} ms`;
const secs = (x) => `${(x / 1000).toFixed(2)} s`;

const directory = await loadMigrationDirectory(corpus, { format: 'auto' });
const migrations = directory.migrations;
const newFiles = migrations.slice(-LATEST);
const work = mkdtempSync(join(tmpdir(), 'db-action-bench-lint-'));
const script = join(work, 'replay.sql');
writeFileSync(script, `${migrations.map((m) => `\\i '${m.absPath.replace(/'/g, "''")}'`).join('\n')}\n`);

const psqlBin = existsSync('/usr/bin/psql') ? '/usr/bin/psql' : 'psql';
const squawkBin = join(root, 'node_modules', '.bin', 'squawk');

const results = { lint: [], ready: [], boot: [], psql: [], floor: [], squawk: [] };
let sample;
try {
  for (let i = 0; i < RUNS; i++) {
    // db-action lint, everything included (dev database boot, base replay, tracing the 5 new files, rules).
    let t0 = performance.now();
    const report = await lint({ dir: corpus, cwd: root, latest: LATEST, devProvider: 'local', logger: silentLogger });
    results.lint.push(performance.now() - t0);
    sample = report;

    // Floor: boot the same kind of dev database, replay every file through one psql session.
    t0 = performance.now();
    const db = await startDevDatabase({ provider: 'local', logger: silentLogger });
    const booted = performance.now() - t0;
    results.boot.push(booted);
    results.ready.push(db.startupMs);
    try {
      const t1 = performance.now();
      const r = spawnSync(psqlBin, ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-f', script, db.url], {
        encoding: 'utf8',
        env: { ...process.env, PGOPTIONS: '-c client_min_messages=warning' },
      });
      if (r.status !== 0)
        throw new Error(`psql replay failed (exit ${r.status}): ${(r.stderr || '').split('\n').slice(0, 3).join(' ')}`);
      const replay = performance.now() - t1;
      results.psql.push(replay);
      results.floor.push(booted + replay);
    } finally {
      await db.close();
    }

    // squawk on the 5 new files (exit status is non-zero when it reports violations; only time matters).
    t0 = performance.now();
    const s = spawnSync(
      squawkBin,
      newFiles.map((m) => m.absPath),
      { encoding: 'utf8' },
    );
    if (s.error) throw s.error;
    results.squawk.push(performance.now() - t0);
    console.log(
      `run ${i + 1}/${RUNS}: lint ${ms(results.lint.at(-1))}, boot ${ms(booted)} (ready ${ms(db.startupMs)}) + psql ${ms(results.psql.at(-1))}, squawk ${ms(results.squawk.at(-1))}`,
    );
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}

const m = Object.fromEntries(Object.entries(results).map(([k, v]) => [k, median(v)]));
// The headline is the ratio run by run (each run measures lint and its floor back to back, so machine load mostly
// cancels), its median over the runs; the ratio of the two medians is shown beside it.
const pairedRatio = median(results.lint.map((l, i) => l / results.floor[i]));
const ratio = pairedRatio;
const ratioOfMedians = m.lint / m.floor;
const ratioOk = ratio <= TARGET_RATIO;
const readyOk = m.ready <= TARGET_READY_MS;
const pg = sample
  ? `${Math.floor(sample.devDatabase.serverVersionNum / 10000)}.${sample.devDatabase.serverVersionNum % 10000}`
  : '?';
const findings = sample ? sample.findings.length : 0;

/** `min – max` of a measure over the runs (shows how noisy the machine was). */
const range = (k, fmt) => `${fmt(Math.min(...results[k]))} – ${fmt(Math.max(...results[k]))}`;
const rows = [
  [
    `db-action lint (boot + replay ${migrations.length - LATEST} base + trace ${LATEST} new + rules)`,
    secs(m.lint),
    range('lint', secs),
    `${ratio.toFixed(2)}x floor (per-run median)`,
    `<= ${TARGET_RATIO}x: ${ratioOk ? 'met' : 'MISSED'}`,
  ],
  [
    `(a) dev DB boot + \`psql -X -q -f\` replay of all ${migrations.length} files, one session`,
    secs(m.floor),
    range('floor', secs),
    '1.00x',
    '',
  ],
  ['    of which dev DB boot (local binaries)', secs(m.boot), range('boot', secs), '', ''],
  ['    of which psql replay', secs(m.psql), range('psql', secs), '', ''],
  [
    'dev DB ready (startupMs, local binaries)',
    ms(m.ready),
    range('ready', ms),
    '',
    `<= ${TARGET_READY_MS} ms: ${readyOk ? 'met' : 'MISSED'}`,
  ],
  [
    `(b) squawk on the ${LATEST} new files (static, no database)`,
    ms(m.squawk),
    range('squawk', ms),
    `${(m.lint / m.squawk).toFixed(1)}x faster than lint`,
    '',
  ],
];
const table = [
  '| measure | median | min – max | ratio | target |',
  '|---|---:|---:|---|---|',
  ...rows.map((r) => `| ${r.join(' | ')} |`),
].join('\n');
console.log(`\n${table}\n`);
console.log(
  `lint total / (boot + psql replay) = ${ratio.toFixed(2)} (median of the per-run ratios; target <= ${TARGET_RATIO}) ${ratioOk ? 'OK' : 'MISSED'}; ratio of the medians ${ratioOfMedians.toFixed(2)}`,
);
console.log(`dev DB ready = ${ms(m.ready)} (target <= ${TARGET_READY_MS} ms) ${readyOk ? 'OK' : 'MISSED'}`);

if (WRITE) {
  const file = join(root, 'BENCHMARKS.md');
  const section = [
    '## lint',
    '',
    `Corpus \`${relative(root, corpus)}\` (${migrations.length} Prisma migrations), the last ${LATEST} as new (\`latest: ${LATEST}\`), ` +
      `dev database \`local\` (PostgreSQL ${pg}), ${cpus().length} CPUs, Node ${process.version}; median of ${RUNS} runs. ` +
      `The lint reported ${findings} finding(s). Produced by \`node scripts/bench-lint.mjs\` on ${new Date().toISOString().slice(0, 10)}.`,
    '',
    table,
    '',
    `- lint total / (boot + psql replay): **${ratio.toFixed(2)}x**, the median of the per-run ratios (target <= ${TARGET_RATIO}x, ${ratioOk ? 'met' : 'missed'}); ratio of the medians: ${ratioOfMedians.toFixed(2)}x.`,
    `- dev database ready: **${ms(m.ready)}** (target <= ${TARGET_READY_MS} ms, ${readyOk ? 'met' : 'missed'}).`,
    '- squawk only parses the files; it does not see locks, rewrites or whether the migrations apply.',
    '',
  ].join('\n');
  let doc = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n\n';
  const start = doc.search(/^## lint\s*$/m);
  if (start >= 0) {
    const rest = doc.slice(start + 1);
    const next = rest.search(/^## /m);
    doc = doc.slice(0, start) + section + (next >= 0 ? `\n${rest.slice(next)}` : '');
  } else {
    doc = `${doc.trimEnd()}\n\n${section}`;
  }
  writeFileSync(file, doc.replace(/\n{3,}/g, '\n\n'));
  console.log(`bench-lint: wrote the "lint" section of ${relative(root, file)}`);
}
