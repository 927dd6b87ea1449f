/**
 * PostgreSQL refuses to run as root. When this process is root (containers, some CI images), servers
 * run as an unprivileged user instead: `postgres` if it exists, else `nobody`.
 */
import { readFileSync } from 'node:fs';

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
