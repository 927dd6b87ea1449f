/**
 * Helpers for the newcomer tests: an in-memory CliIo for `main(argv, io)`, throwaway project folders and
 * the checks every newcomer-facing error must pass (exit code, what to do next, no stack, no secret).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import type { CliIo } from '../../src/cli/io.js';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export type MemoryIo = CliIo & { out: string; err: string };

export function memoryIo(cwd: string, env: NodeJS.ProcessEnv = {}): MemoryIo {
  const o: MemoryIo = {
    out: '',
    err: '',
    env,
    cwd,
    isTTY: false,
    stdout(t: string) {
      o.out += t;
    },
    stderr(t: string) {
      o.err += t;
    },
  };
  return o;
}

/** A stack frame line as node prints them (`    at fn (file:1:2)`). */
export const STACK_LINE = /^\s+at .+[:(]/m;

/** A temp folder with `migrations/<name>` files; returns the project folder. */
export function project(files: Record<string, string>, options: { git?: boolean } = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'db-action-newcomer-'));
  for (const [name, text] of Object.entries(files)) {
    const path = join(dir, name);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
  }
  if (options.git) {
    const git = (...args: string[]): void => {
      execFileSync('git', args, { cwd: dir, stdio: 'ignore' });
    };
    git('init', '-q', '-b', 'main');
    git('add', '.');
    git('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-q', '-m', 'init');
  }
  return dir;
}

/** True when `dir` is inside a git work tree (then it cannot stand for "not a git repository"). */
export function insideGit(dir: string): boolean {
  try {
    execFileSync('git', ['rev-parse', '--is-inside-work-tree'], { cwd: dir, stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** A TCP port on 127.0.0.1 that nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const address = server.address();
  await new Promise<void>((ok) => server.close(() => ok()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}
