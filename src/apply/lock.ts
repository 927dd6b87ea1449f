/**
 * The session advisory lock that makes concurrent applies take turns. Polled with
 * `pg_try_advisory_lock` and a growing backoff, in autocommit: no transaction is ever held while
 * waiting. On timeout the holder is described from pg_locks + pg_stat_activity.
 */
import { createHash } from 'node:crypto';
import type pg from 'pg';

import { DbActionError } from '../errors.js';
import type { Logger } from '../logger.js';
import { abortError, sleep } from './abort.js';

/** First key of the two-int advisory lock: "dbAc". Positive, so pg_locks.classid reads the same. */
const LOCK_NAMESPACE = 0x64624163;

/** The advisory lock of one history table: (namespace, hash of the table name). */
export function lockKeys(historyTable: string): readonly [number, number] {
  const h = createHash('sha256').update(`db-action:${historyTable}`).digest();
  return [LOCK_NAMESPACE, h.readUInt32BE(0) & 0x7fffffff];
}

export interface LockHolder {
  readonly pid: number;
  readonly applicationName: string | null;
  readonly clientAddr: string | null;
  readonly backendStart: Date | null;
  readonly state: string | null;
}

/** Sessions holding the lock (other than ours). */
export async function lockHolders(client: pg.Client, keys: readonly [number, number]): Promise<LockHolder[]> {
  const r = await client.query<{
    pid: number;
    application_name: string | null;
    client_addr: string | null;
    backend_start: Date | null;
    state: string | null;
  }>(
    `SELECT l.pid, a.application_name, host(a.client_addr) AS client_addr, a.backend_start, a.state
       FROM pg_locks l LEFT JOIN pg_stat_activity a ON a.pid = l.pid
      WHERE l.locktype = 'advisory' AND l.granted AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
        AND l.classid = $1::bigint::oid AND l.objid = $2::bigint::oid AND l.objsubid = 2 AND l.pid <> pg_backend_pid()`,
    [keys[0], keys[1]],
  );
  return r.rows.map((row) => ({
    pid: row.pid,
    applicationName: row.application_name,
    clientAddr: row.client_addr,
    backendStart: row.backend_start,
    state: row.state,
  }));
}

export function describeHolder(h: LockHolder): string {
  const parts = [`pid ${h.pid}`];
  if (h.applicationName) parts.push(`application "${h.applicationName}"`);
  parts.push(h.clientAddr ? `from ${h.clientAddr}` : 'from a local socket');
  if (h.backendStart) parts.push(`connected since ${h.backendStart.toISOString()}`);
  return parts.join(', ');
}

export interface AcquireOptions {
  readonly waitMs: number;
  readonly logger: Logger;
  readonly signal?: AbortSignal;
  /** Name for messages (the history table). */
  readonly what: string;
}

/** Waits for the advisory lock; throws a DbActionError naming the holder when `waitMs` runs out. */
export async function acquireLock(
  client: pg.Client,
  keys: readonly [number, number],
  options: AcquireOptions,
): Promise<void> {
  const started = Date.now();
  let delay = 50;
  let announced = false;
  for (;;) {
    if (options.signal?.aborted) throw abortError('while waiting for the migration lock', {}, undefined, 'nothing-ran');
    const r = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1, $2) AS ok', [keys[0], keys[1]]);
    if (r.rows[0]?.ok) {
      if (announced) options.logger.info(`got the migration lock after ${Date.now() - started}ms`);
      return;
    }
    const elapsed = Date.now() - started;
    if (elapsed >= options.waitMs) {
      const holders = await lockHolders(client, keys);
      const who = holders.length > 0 ? holders.map(describeHolder).join('; ') : 'a session that has since ended';
      throw new DbActionError(
        `another apply holds the migration lock of ${options.what} (held by ${who}); gave up after ${elapsed}ms`,
        {
          hint: 'wait for the other deploy to finish, or raise lock-wait; if that session is stuck, end it with pg_terminate_backend(pid)',
        },
      );
    }
    if (!announced) {
      const holders = await lockHolders(client, keys);
      options.logger.info(
        `waiting up to ${options.waitMs}ms for the migration lock held by ${holders.map(describeHolder).join('; ') || 'another session'}`,
      );
      announced = true;
    }
    await sleep(Math.min(delay, options.waitMs - elapsed), options.signal);
    delay = Math.min(delay * 2, 2000);
  }
}

/** Releases the lock; errors (a dead connection already released it) are ignored. */
export async function releaseLock(client: pg.Client, keys: readonly [number, number]): Promise<void> {
  await client.query('SELECT pg_advisory_unlock($1, $2)', [keys[0], keys[1]]).catch(() => undefined);
}
