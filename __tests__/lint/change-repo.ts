/** A two-commit git repository (base on `main`, a change on `feature`) linted with the built-in rules. */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

import { lint } from '../../src/lint/index.js';
import type { LintReport } from '../../src/lint/types.js';
import { MemoryLogger } from '../../src/logger.js';
import { testServerUrl } from '../helpers/pg.js';

const roots: string[] = [];

/** Removes the repositories made so far (call from afterAll). */
export function removeChangeRepos(): void {
  for (const r of roots.splice(0)) rmSync(r, { recursive: true, force: true });
}

function git(cwd: string, ...args: string[]): void {
  execFileSync('git', args, { cwd, stdio: 'ignore' });
}

/** `main` holds 1_base.sql, branch `feature` adds 2_change.sql; the lint of the change with the built-in rules. */
export async function lintChange(base: string, change: string): Promise<LintReport> {
  const root = mkdtempSync(join(tmpdir(), 'db-action-change-'));
  roots.push(root);
  const write = (rel: string, text: string) => {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), text);
  };
  git(root, 'init', '-q', '-b', 'main');
  git(root, 'config', 'user.email', 't@example.com');
  git(root, 'config', 'user.name', 't');
  write('migrations/1_base.sql', base);
  git(root, 'add', '-A');
  git(root, 'commit', '-q', '-m', 'base');
  git(root, 'checkout', '-q', '-b', 'feature');
  write('migrations/2_change.sql', change);
  return lint({
    dir: 'migrations',
    cwd: root,
    base: 'main',
    devUrl: testServerUrl(),
    devProvider: 'url',
    logger: new MemoryLogger(),
  });
}
