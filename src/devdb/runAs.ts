/**
 * PostgreSQL refuses to run as root. When this process is root (containers, some CI images), servers
 * run as an unprivileged user instead: `postgres` if it exists, else `nobody`.
 */
import { readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

export interface RunAs {
  readonly user: string;
  readonly uid: number;
  readonly gid: number;
}

/** Entries of /etc/passwd by name. */
function passwdEntry(name: string): RunAs | undefined {
  let text: string;
  try {
    text = readFileSync('/etc/passwd', 'utf8');
  } catch {
    return undefined;
  }
  for (const line of text.split('\n')) {
    const [user, , uid, gid] = line.split(':');
    if (user === name && uid !== undefined && gid !== undefined) {
      const u = Number(uid);
      const g = Number(gid);
      if (Number.isInteger(u) && Number.isInteger(g) && u !== 0) return { user, uid: u, gid: g };
    }
  }
  return undefined;
}

export function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

/**
 * The user to run PostgreSQL as: undefined when this process is not root (run as ourselves);
 * `postgres` or `nobody` when root. Throws when root and neither exists.
 */
export function serverUser(): RunAs | undefined {
  if (!isRoot()) return undefined;
  const found = passwdEntry('postgres') ?? passwdEntry('nobody');
  if (!found) {
    throw new Error('running as root, and neither a `postgres` nor a `nobody` user exists to run PostgreSQL as');
  }
  return found;
}

/** spawn() options that run a child as `runAs` (nothing when undefined). */
export function spawnIdentity(runAs: RunAs | undefined): { uid?: number; gid?: number } {
  return runAs ? { uid: runAs.uid, gid: runAs.gid } : {};
}

/**
 * Whether `runAs` can reach `path` (execute permission on every ancestor directory). When this is
 * false, a server started as that user fails with "permission denied" on its binaries or data dir.
 */
export function canTraverse(path: string, runAs: RunAs): boolean {
  let dir = resolve(path);
  for (;;) {
    let s;
    try {
      s = statSync(dir);
    } catch {
      return false;
    }
    if (s.isDirectory()) {
      const ok =
        s.uid === runAs.uid
          ? (s.mode & 0o100) !== 0
          : s.gid === runAs.gid
            ? (s.mode & 0o010) !== 0
            : (s.mode & 0o001) !== 0;
      if (!ok) return false;
    }
    const parent = dirname(dir);
    if (parent === dir) return true;
    dir = parent;
  }
}
