/**
 * A cached, pristine data directory per PostgreSQL installation, so that a new throwaway cluster is a
 * directory copy (~0.1 s) instead of an `initdb` (~0.6 s idle, seconds on a busy machine).
 *
 * The template lives next to the clusters (`<tmp>/db-action-template-<key>`, key = binaries + user),
 * is owned by the user the server runs as with mode 0700, and is only trusted when that still holds.
 * It is initialised with `trust` for Unix-socket connections and `scram-sha-256` for TCP and no
 * password: each cluster sets its own random password over its private socket before anyone can
 * connect over TCP. Built in a side directory and renamed into place, so concurrent runs never see a
 * half-built template.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { chmod, chown, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import pg from 'pg';

import type { Logger } from '../logger.js';
import type { RunAs } from './runAs.js';
import { runToCompletion } from './spawn.js';

/** Bumped when the template's initdb arguments change. */
const TEMPLATE_FORMAT = 1;
const COMPLETE = 'complete';

/** initdb arguments shared by templates and plain clusters (minus authentication). */
export const INITDB_ARGS: readonly string[] = ['-U', 'postgres', '--no-sync', '-E', 'UTF8', '--locale=C'];

function templateKey(bindir: string, uid: number): string {
  const postgres = statSync(join(bindir, 'postgres'));
  return createHash('sha256')
    .update(`${TEMPLATE_FORMAT}\0${bindir}\0${postgres.size}\0${postgres.mtimeMs}\0${uid}`)
    .digest('hex')
    .slice(0, 16);
}

/** A template we can trust: complete, owned by the server user, not writable by anyone else. */
function usable(root: string, uid: number): boolean {
  try {
    const s = statSync(root);
    return (
      s.isDirectory() &&
      s.uid === uid &&
      (s.mode & 0o077) === 0 &&
      [COMPLETE, 'data/PG_VERSION', 'data/global/pg_control', 'data/postgresql.conf'].every((f) =>
        existsSync(join(root, f)),
      )
    );
  } catch {
    return false;
  }
}

export interface TemplateOptions {
  readonly bindir: string;
  readonly runAs: RunAs | undefined;
  /** Directory the template lives in (the clusters' parent). */
  readonly parent: string;
  readonly logger: Logger;
}

/** The template's data directory, built on first use. Throws when initdb fails. */
export async function templateDataDir(options: TemplateOptions): Promise<string> {
  const { bindir, runAs, parent, logger } = options;
  const uid = runAs?.uid ?? process.getuid?.() ?? 0;
  const root = join(parent, `db-action-template-${templateKey(bindir, uid)}`);
  if (usable(root, uid)) return join(root, 'data');

  const build = await mkdtemp(`${root}.build-`);
  try {
    if (runAs) await chown(build, runAs.uid, runAs.gid);
    await chmod(build, 0o700);
    const started = Date.now();
    const initdb = await runToCompletion(
      join(bindir, 'initdb'),
      ['-D', join(build, 'data'), ...INITDB_ARGS, '--auth-local=trust', '--auth-host=scram-sha-256'],
      runAs,
      build,
    );
    if (initdb.code !== 0) throw new Error(`initdb failed (exit ${initdb.code}):\n${initdb.output}`);
    await writeFile(join(build, COMPLETE), `${new Date().toISOString()}\n`);
    logger.debug(`built the dev database template in ${Date.now() - started} ms (${root})`);
    try {
      await rename(build, root);
    } catch {
      // Another run built it first: use theirs. (Anything else in the way is not trusted: give up.)
      await rm(build, { recursive: true, force: true });
      if (usable(root, uid)) return join(root, 'data');
      throw new Error(`${root} exists but is not a usable template (owner or permissions)`);
    }
    return join(root, 'data');
  } catch (error) {
    await rm(build, { recursive: true, force: true }).catch(() => undefined);
    throw error;
  }
}

/**
 * Gives the `postgres` role of a cluster copied from the template its password, over the cluster's
 * private Unix socket (trust); TCP connections need that password.
 */
export async function setSuperuserPassword(socketDir: string, port: number): Promise<string> {
  const password = randomBytes(18).toString('hex');
  const client = new pg.Client({ host: socketDir, port, user: 'postgres', database: 'postgres' });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query("SET password_encryption = 'scram-sha-256'");
    // The password is hex: nothing to escape.
    await client.query(`ALTER ROLE postgres PASSWORD '${password}'`);
  } finally {
    await client.end().catch(() => undefined);
  }
  return password;
}
