/**
 * A fresh temporary directory from which no `node_modules` can be found (none in it or any ancestor), like a GitHub
 * runner's checkout of the action: packages that are not bundled are missing there.
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

function reachesNodeModules(dir: string): boolean {
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    if (existsSync(path.join(d, 'node_modules'))) return true;
    if (path.dirname(d) === d) return false;
  }
}

export function isolatedTempDir(prefix: string): string {
  const candidates = [tmpdir(), '/var/tmp', '/dev/shm'];
  for (const base of candidates) {
    if (existsSync(base) && !reachesNodeModules(base)) return mkdtempSync(path.join(base, prefix));
  }
  throw new Error(`no temporary directory without a node_modules above it among ${candidates.join(', ')}`);
}
