import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const made: string[] = [];

/** A temporary migration directory holding `files` (relative path => text or bytes). */
export function fixtureDir(files: Record<string, string | Uint8Array>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'db-action-migrations-'));
  made.push(dir);
  for (const [rel, content] of Object.entries(files)) {
    const abs = path.join(dir, ...rel.split('/'));
    mkdirSync(path.dirname(abs), { recursive: true });
    writeFileSync(abs, content);
  }
  return dir;
}

/** Removes every fixture directory made so far (call from afterAll). */
export function removeFixtures(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** The rejection of `promise`, asserting it is a DbActionError. */
export async function rejection(
  promise: Promise<unknown>,
): Promise<{ name: string; message: string; file?: string; line?: number; hint?: string }> {
  try {
    await promise;
  } catch (e) {
    const err = e as { name: string; message: string; file?: string; line?: number; hint?: string };
    if (err.name !== 'DbActionError') throw e;
    return err;
  }
  throw new Error('expected a DbActionError, but the promise resolved');
}
