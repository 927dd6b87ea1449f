#!/usr/bin/env node
// Apply benchmark: ../shared/corpus/trigger-dev-prisma (820 migrations) applied to an empty database by
//
//   db-action  `db-action apply --json` (bin/db-action.js, the committed CLI bundle) in a fresh process: directory load,
//              checksums, parse, lock, history
//   psql       one session, one transaction per file: a single generated script with BEGIN/COMMIT around each
//              file except the non-transactional ones and those with their own BEGIN/COMMIT, run with
//              `psql -X -q -v ON_ERROR_STOP=1 -f`
//   dbmate     node_modules/.bin/dbmate on a generated dbmate directory (`-- migrate:up`, `transaction:false` for the
//              files that cannot run in a transaction or bring their own BEGIN/COMMIT), `--no-dump-schema up`
//
// each on a fresh database of the same local server in the same run, median of N rounds (default 5, tools
// interleaved), then prints the table and the ratios (targets: <= 1.15x psql, faster than dbmate) and writes it into
// BENCHMARKS.md, section "## apply" (created if absent; other sections kept).
//
// Needs the compiled library for the directory model and the dev server (`npx tsc -p tsconfig.build.json`, or pass
// --build), and dist/cli (committed; `npm run build` refreshes it).
//
//   node scripts/bench-apply.mjs [--rounds 5] [--build] [--no-write] [--corpus trigger-dev-prisma]
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const flag = (name) => args.includes(name);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] ? args[i + 1] : fallback;
};
const rounds = Number(option('--rounds', '5'));
const corpusName = option('--corpus', 'trigger-dev-prisma');
const corpus = join(root, '..', 'shared', 'corpus', corpusName);
const lib = join(root, 'lib');

if (flag('--build') || !existsSync(join(lib, 'apply', 'index.js'))) {
  console.error('building lib/ (tsc -p tsconfig.build.json) …');
  const r = spawnSync(
    process.execPath,
    [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'],
    {
      cwd: root,
      stdio: 'inherit',
    },
  );
  if (!existsSync(join(lib, 'apply', 'index.js'))) {
    console.error(`tsc did not produce lib/apply/index.js (exit ${r.status})`);
    process.exit(1);
  }
}

const load = (p) => import(pathToFileURL(join(lib, p)).href);
const { startDevDatabase } = await load('devdb/index.js');
const { loadMigrationDirectory } = await load('migrations/index.js');
const { parseMigration } = await load('sql/index.js');
const { silentLogger, stderrLogger } = await load('logger.js');
const pg = (await import('pg')).default;

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/** How each file must run: `tx` (wrap it), `raw` (non-transactional statements or its own BEGIN/COMMIT). */
async function classify(directory) {
  const out = [];
  for (const m of directory.migrations) {
    const parsed = await parseMigration(m);
    const nonTx =
      m.transaction === 'none' || parsed.txMode === 'none' || parsed.statements.some((s) => !s.transactional);
    const ownTx = parsed.statements.some((s) => s.transactionControl);
    out.push({ m, mode: nonTx || ownTx ? 'raw' : 'tx', nonTx });
  }
  return out;
}

function psqlScript(files) {
  let sql = '';
  for (const { m, mode } of files) sql += mode === 'tx' ? `BEGIN;\n${m.upSql}\n;\nCOMMIT;\n` : `${m.upSql}\n;\n`;
  return sql;
}

function dbmateDir(files, into) {
  mkdirSync(into, { recursive: true });
  // dbmate versions: the file's position, zero-padded (dbmate orders by version; prisma timestamps repeat)
  for (const [i, { m, mode }] of files.entries()) {
    const version = String(i + 1).padStart(6, '0');
    const name = (m.name || 'migration').replace(/[^A-Za-z0-9_]/g, '_');
    const header = mode === 'tx' ? '-- migrate:up' : '-- migrate:up transaction:false';
    writeFileSync(join(into, `${version}_${name}.sql`), `${header}\n${m.upSql}\n\n-- migrate:down\n`);
  }
}

/**
 * The db-action run: the CLI users run (`db-action apply`, the committed bundle dist/cli), a fresh process like the
 * other tools, timed from spawn to exit.
 */
function runDbAction(url) {
  const t0 = performance.now();
  const out = execFileSync(
    process.execPath,
    [join(root, 'bin', 'db-action.js'), 'apply', '--dir', corpus, '--lock-wait', '0', '--json'],
    { cwd: root, env: { ...process.env, DATABASE_URL: url }, encoding: 'utf8' },
  );
  const ms = performance.now() - t0;
  const result = JSON.parse(out);
  return { ms, applied: Number(result.appliedCount) };
}

function runPsql(url, scriptFile) {
  const t0 = performance.now();
  execFileSync('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', url, '-f', scriptFile], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, PGOPTIONS: '-c client_min_messages=warning' },
  });
  return { ms: performance.now() - t0 };
}

function runDbmate(url, dir) {
  const bin = join(root, 'node_modules', '.bin', 'dbmate');
  const u = new URL(url);
  if (!u.searchParams.has('sslmode')) u.searchParams.set('sslmode', 'disable');
  const t0 = performance.now();
  execFileSync(bin, ['--url', u.toString(), '--migrations-dir', dir, '--no-dump-schema', 'migrate'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  return { ms: performance.now() - t0 };
}

/** Runs a tool; a failure prints its stderr (text) and stops the benchmark. */
function tryRun(tool, fn) {
  try {
    return fn();
  } catch (e) {
    console.error(`${tool} failed: ${e.stderr ? e.stderr.toString() : e.message}`);
    process.exit(1);
  }
}

function fmt(ms) {
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${Math.round(ms)} ms`;
}

/** Replaces (or appends) the `## apply` section of BENCHMARKS.md. */
function writeSection(markdown) {
  const file = join(root, 'BENCHMARKS.md');
  const current = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n';
  const section = `## apply\n\n${markdown.trim()}\n`;
  const re = /^## apply\s*\n[\s\S]*?(?=^## |(?![\s\S]))/m;
  const next = re.test(current) ? current.replace(re, `${section}\n`) : `${current.trimEnd()}\n\n${section}`;
  writeFileSync(file, `${next.trimEnd()}\n`);
  console.error(`wrote the "apply" section of ${file}`);
}

const work = mkdtempSync(join(tmpdir(), 'db-action-bench-apply-'));
const logger = process.env.BENCH_VERBOSE ? stderrLogger(true) : silentLogger;
let server;
try {
  const directory = await loadMigrationDirectory(corpus);
  const files = await classify(directory);
  const scriptFile = join(work, 'all.sql');
  writeFileSync(scriptFile, psqlScript(files));
  const dbmate = join(work, 'dbmate');
  dbmateDir(files, dbmate);

  server = await startDevDatabase({ provider: process.env.BENCH_PROVIDER ?? 'local', logger });
  const admin = new pg.Client({ connectionString: server.url });
  admin.on('error', (e) => console.error(`bench admin connection: ${e.message}`));
  await admin.connect();
  const version = (await admin.query('SHOW server_version')).rows[0].server_version;
  let n = 0;
  const fresh = async () => {
    const name = `bench_apply_${process.pid}_${n++}`;
    await admin.query(`CREATE DATABASE ${name}`);
    const u = new URL(server.url);
    u.pathname = `/${name}`;
    return { name, url: u.toString() };
  };
  const drop = (name) => admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);

  const times = { 'db-action': [], psql: [], dbmate: [] };
  for (let round = 1; round <= rounds; round++) {
    for (const tool of Object.keys(times)) {
      const db = await fresh();
      try {
        const r = tryRun(tool, () =>
          tool === 'db-action'
            ? runDbAction(db.url)
            : tool === 'psql'
              ? runPsql(db.url, scriptFile)
              : runDbmate(db.url, dbmate),
        );
        if (tool === 'db-action' && r.applied !== files.length)
          throw new Error(`db-action applied ${r.applied} of ${files.length}`);
        const tables = await (async () => {
          const c = new pg.Client({ connectionString: db.url });
          await c.connect();
          try {
            return (await c.query("SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public'")).rows[0].n;
          } finally {
            await c.end();
          }
        })();
        times[tool].push(r.ms);
        console.error(`round ${round}: ${tool.padEnd(9)} ${fmt(r.ms).padStart(9)}  (${tables} tables)`);
      } finally {
        await drop(db.name);
      }
    }
  }
  await admin.end();

  const med = Object.fromEntries(Object.entries(times).map(([k, v]) => [k, median(v)]));
  // Ratios round by round (the three tools run back to back in a round, so machine load mostly cancels), then their
  // median: the headline. The ratio of the medians is shown beside it.
  const paired = (other) => median(times['db-action'].map((t, i) => t / times[other][i]));
  const vsPsql = paired('psql');
  const vsDbmate = paired('dbmate');
  const verdict = (ok) => (ok ? 'met' : 'MISSED');
  const nonTx = files.filter((f) => f.nonTx).length;
  const ownTx = files.filter((f) => f.mode === 'raw' && !f.nonTx).length;
  const table = [
    `\`${corpusName}\`: ${files.length} migrations (${nonTx} non-transactional, ${ownTx} with their own BEGIN/COMMIT) applied to an`,
    `empty database; PostgreSQL ${version} (local server), ${cpus().length} CPU(s), Node ${process.version}; median of ${rounds}`,
    'rounds, each tool on a fresh database of the same server in the same run (`node scripts/bench-apply.mjs`).',
    '',
    '| tool | median | runs | vs psql |',
    '| --- | ---: | --- | ---: |',
    ...Object.entries(times).map(
      ([k, v]) => `| ${k} | ${fmt(med[k])} | ${v.map(fmt).join(', ')} | ${(med[k] / med.psql).toFixed(2)}x |`,
    ),
    '',
    `db-action / psql = **${vsPsql.toFixed(2)}x** (target <= 1.15x: ${verdict(vsPsql <= 1.15)}); db-action / dbmate = **${vsDbmate.toFixed(2)}x** (target < 1: ${verdict(vsDbmate < 1)}); medians of the per-round ratios (ratios of the medians: ${(med['db-action'] / med.psql).toFixed(2)}x, ${(med['db-action'] / med.dbmate).toFixed(2)}x).`,
    'db-action includes process start, directory load and checksums, parsing the files that need it, the advisory lock and',
    "one history row per migration written in the migration's own transaction; psql runs one generated script in one session.",
  ].join('\n');
  console.log(table);
  if (!flag('--no-write')) writeSection(table);
} finally {
  if (server) await server.close();
  rmSync(work, { recursive: true, force: true });
}
