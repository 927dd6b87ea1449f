/**
 * A migration that exists on the base branch and is deleted or renamed in the change is history-modified:
 * databases that applied it keep its effects, new ones never get them (a rename even runs it twice).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { MemoryLogger } from '../../src/logger.js';
import { lint } from '../../src/lint/index.js';
import { testServerUrl } from '../helpers/pg.js';

const roots: string[] = [];
afterAll(() => {
  for (const r of roots) rmSync(r, { recursive: true, force: true });
});

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

function baseRepo(): string {
  const root = mkdtempSync(join(tmpdir(), 'db-action-deleted-'));
  roots.push(root);
  git(root, 'init', '-q', '-b', 'main');
  git(root, 'config', 'user.email', 'test@example.com');
  git(root, 'config', 'user.name', 'test');
  mkdirSync(join(root, 'db'));
  writeFileSync(join(root, 'db', '1_users.up.sql'), 'CREATE TABLE users (id int PRIMARY KEY);\n');
  writeFileSync(join(root, 'db', '1_users.down.sql'), 'DROP TABLE users;\n');
  writeFileSync(join(root, 'db', '2_orders.up.sql'), 'CREATE TABLE orders (id int PRIMARY KEY);\n');
  writeFileSync(join(root, 'db', '2_orders.down.sql'), 'DROP TABLE orders;\n');
  git(root, 'add', '-A');
  git(root, 'commit', '-q', '-m', 'base');
  git(root, 'checkout', '-q', '-b', 'feature');
  return root;
}

const run = (root: string) =>
  lint({ dir: 'db', cwd: root, base: 'main', devUrl: testServerUrl(), devProvider: 'url', logger: new MemoryLogger() });

describe('deleted and renamed base migrations', () => {
  it('reports a deleted up file as history-modified (and ignores a deleted down file)', async () => {
    const root = baseRepo();
    git(root, 'rm', '-q', 'db/2_orders.up.sql', 'db/1_users.down.sql');
    writeFileSync(join(root, 'db', '3_tags.up.sql'), 'CREATE TABLE tags (id int);\n');
    const report = await run(root);
    const hm = report.findings.filter((f) => f.rule === 'history-modified');
    expect(hm).toHaveLength(1);
    expect(hm[0]).toMatchObject({ file: 'db/2_orders.up.sql', line: 1, severity: 'error' });
    expect(hm[0]?.message).toMatch(/version 2\b.*was deleted/);
    expect(report.failed).toBe(true);
  });

  it('reports a renamed migration, naming the new file', async () => {
    const root = baseRepo();
    git(root, 'mv', 'db/2_orders.up.sql', 'db/3_orders.up.sql');
    git(root, 'mv', 'db/2_orders.down.sql', 'db/3_orders.down.sql');
    git(root, 'commit', '-q', '-m', 'renumber');
    const report = await run(root);
    const hm = report.findings.filter((f) => f.rule === 'history-modified');
    expect(hm.map((f) => f.file)).toEqual(['db/2_orders.up.sql']);
    expect(hm[0]?.message).toContain('renamed to db/3_orders.up.sql');
  });

  it('says nothing when no migration was removed', async () => {
    const root = baseRepo();
    writeFileSync(join(root, 'db', '3_tags.up.sql'), 'CREATE TABLE tags (id int);\n');
    const report = await run(root);
    expect(report.findings.filter((f) => f.category === 'history-modified')).toEqual([]);
  });
});
