/** scripts/release.mjs on a scratch repository: versions bumped in every file, vX.Y.Z tagged, vX moved. */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const script = resolve(dirname(fileURLToPath(import.meta.url)), '../../scripts/release.mjs');

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8' }).trim();
}

function release(cwd: string, version: string): { status: number | null; out: string } {
  const r = spawnSync(process.execPath, [script, version, '--skip-checks'], { cwd, encoding: 'utf8' });
  return { status: r.status, out: r.stdout + r.stderr };
}

describe('scripts/release.mjs', () => {
  let repo: string;
  beforeEach(() => {
    repo = mkdtempSync(join(tmpdir(), 'release-'));
    git(repo, 'init', '-q', '-b', 'main');
    git(repo, 'config', 'user.email', 't@example.com');
    git(repo, 'config', 'user.name', 'T');
    mkdirSync(join(repo, 'src'));
    writeFileSync(join(repo, 'package.json'), JSON.stringify({ name: 'x', version: '0.1.0' }, null, 2) + '\n');
    writeFileSync(join(repo, 'src', 'version.ts'), "export const VERSION = '0.1.0';\n");
    writeFileSync(join(repo, 'CHANGELOG.md'), '# Changelog\n\n## 1.0.0\n\n- first\n\n## 1.0.1\n\n- fix\n');
    git(repo, 'add', '-A');
    git(repo, 'commit', '-qm', 'init');
  });
  afterEach(() => rmSync(repo, { recursive: true, force: true }));

  it('tags vX.Y.Z, moves vX on the next release, and keeps the versions equal', () => {
    const first = release(repo, '1.0.0');
    expect(first.status).toBe(0);
    const c1 = git(repo, 'rev-parse', 'HEAD');
    expect(git(repo, 'rev-list', '-n1', 'v1.0.0')).toBe(c1);
    expect(git(repo, 'rev-list', '-n1', 'v1')).toBe(c1);
    expect(JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')).version).toBe('1.0.0');
    expect(readFileSync(join(repo, 'src', 'version.ts'), 'utf8')).toContain("VERSION = '1.0.0'");
    expect(git(repo, 'log', '-1', '--format=%s')).toBe('Release v1.0.0');

    const second = release(repo, '1.0.1');
    expect(second.status).toBe(0);
    const c2 = git(repo, 'rev-parse', 'HEAD');
    expect(c2).not.toBe(c1);
    expect(git(repo, 'rev-list', '-n1', 'v1')).toBe(c2);
    expect(git(repo, 'rev-list', '-n1', 'v1.0.0')).toBe(c1);
  });

  it('refuses a version without a CHANGELOG section, a dirty tree, and an existing tag', () => {
    const noLog = release(repo, '2.0.0');
    expect(noLog.status).toBe(1);
    expect(noLog.out).toMatch(/CHANGELOG\.md has no "## 2\.0\.0" section/);
    writeFileSync(join(repo, 'dirty.txt'), 'x');
    const dirty = release(repo, '1.0.0');
    expect(dirty.status).toBe(1);
    expect(dirty.out).toMatch(/uncommitted changes/);
    rmSync(join(repo, 'dirty.txt'));
    expect(release(repo, '1.0.0').status).toBe(0);
    const again = release(repo, '1.0.0');
    expect(again.status).toBe(1);
    expect(again.out).toMatch(/tag v1\.0\.0 already exists/);
    expect(release(repo, 'one').out).toMatch(/usage/);
  });
});
