import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root, from this file's location (works in a fresh CI clone as well as locally). */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** The shared corpus of real migration directories, checked out beside the repository. */
export const corpusDir = path.resolve(repoRoot, '../shared/corpus');

/** Absolute path of one corpus folder; a clear failure when the corpus is missing. */
export function corpus(name: string): string {
  const dir = path.join(corpusDir, name);
  if (!existsSync(dir)) {
    throw new Error(
      `migration corpus not found at ${dir}: the tests expect ../shared/corpus beside the repository root (${repoRoot})`,
    );
  }
  return dir;
}
