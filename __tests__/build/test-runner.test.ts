/**
 * scripts/test.mjs (`npm test`): its last line is exactly `N passed, N failed` and its exit status is non-zero when
 * anything failed. Runs it on throwaway test files.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

describe('scripts/test.mjs', () => {
  let dir: string;

  beforeAll(() => {
    mkdirSync(path.join(root, '.cache'), { recursive: true });
    dir = mkdtempSync(path.join(root, '.cache', 'runner-test-'));
    writeFileSync(
      path.join(dir, 'good.test.ts'),
      "test('one', () => expect(1 + 1).toBe(2));\ntest('two', () => expect('a').toBe('a'));\ntest.skip('later', () => {});\n",
    );
    writeFileSync(path.join(dir, 'bad.test.ts'), "test('fails', () => expect(1).toBe(2));\n");
    writeFileSync(path.join(dir, 'broken.test.ts'), "import './does-not-exist.js';\ntest('never runs', () => {});\n");
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  // Jest's --roots takes a list: file patterns go before it, or it would read them as more roots.
  const run = (...files: string[]) =>
    spawnSync(process.execPath, [path.join(root, 'scripts', 'test.mjs'), ...files, '--roots', dir], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, CI: 'false' },
    });
  const lastLine = (out: string) => out.trimEnd().split('\n').pop();

  test('all passing: `N passed, 0 failed` last, skipped counted on the line before, exit 0', () => {
    const r = run('good.test.ts');
    expect(lastLine(r.stdout)).toBe('2 passed, 0 failed');
    expect(r.stdout).toMatch(/^1 skipped$/m);
    expect(r.status).toBe(0);
  }, 120_000);

  test('a failing test and a suite that cannot load both count as failures, exit non-zero', () => {
    const r = run();
    expect(lastLine(r.stdout)).toBe('2 passed, 2 failed');
    expect(r.status).not.toBe(0);
  }, 120_000);
});
