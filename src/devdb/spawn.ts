/** Running PostgreSQL's programs: environment, identity, captured output. */
import { spawn } from 'node:child_process';

import { spawnIdentity, type RunAs } from './runAs.js';

/** The last lines a process printed, for error messages. */
export class Tail {
  private lines: string[] = [];
  private readonly max: number;
  constructor(max = 40) {
    this.max = max;
  }
  push(chunk: string): void {
    this.lines.push(...chunk.split('\n').filter((l) => l.trim() !== ''));
    if (this.lines.length > this.max) this.lines = this.lines.slice(-this.max);
  }
  toString(): string {
    return this.lines.join('\n');
  }
}

export function serverEnv(): NodeJS.ProcessEnv {
  // English messages (readiness is detected from the log) and no PG* variables leaking in.
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('PG')) env[k] = v;
  return { ...env, LC_ALL: 'C', LANG: 'C' };
}

export function runToCompletion(
  file: string,
  args: string[],
  runAs: RunAs | undefined,
  cwd: string,
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, {
      cwd,
      env: serverEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
      ...spawnIdentity(runAs),
    });
    const tail = new Tail();
    child.stdout.setEncoding('utf8').on('data', (d: string) => tail.push(d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => tail.push(d));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, output: tail.toString() }));
  });
}

export function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}
