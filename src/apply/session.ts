/**
 * The apply connection: one session that holds the advisory lock and runs every migration, tracks
 * whether a query is in flight, and cancels it (pg_cancel_backend from a second connection) when the
 * caller's AbortSignal fires. Also notices when the server ends the session.
 */
import type pg from 'pg';

import { connect } from '../db/client.js';
import type { Logger } from '../logger.js';

/** How far a multi-statement query got. */
export interface CountedQuery {
  /** The result, when every statement succeeded. */
  readonly result?: pg.QueryResult | pg.QueryResult[];
  /** The error that stopped it. */
  readonly error?: unknown;
  /** Command tags (`BEGIN`, `SET`, `INSERT 0 1`, `COMMIT`, …) of the statements that completed, in order. */
  readonly completed: readonly string[];
}

export class ApplySession {
  private inFlight = 0;
  private cancelling: Promise<void> | undefined;
  private readonly onAbort = (): void => this.kick();
  /** True once the server ended the session or the socket died. */
  lost = false;

  /** Backend pid of the session. */
  readonly pid: number;
  readonly client: pg.Client;
  readonly signal: AbortSignal | undefined;
  private readonly url: string;
  private readonly applicationName: string;
  private readonly logger: Logger;

  private constructor(
    client: pg.Client,
    pid: number,
    url: string,
    applicationName: string,
    logger: Logger,
    signal: AbortSignal | undefined,
  ) {
    this.client = client;
    this.pid = pid;
    this.url = url;
    this.applicationName = applicationName;
    this.logger = logger;
    this.signal = signal;
    client.on('error', () => {
      this.lost = true;
    });
    client.on('end', () => {
      this.lost = true;
    });
    signal?.addEventListener('abort', this.onAbort, { once: true });
  }

  static async open(
    url: string,
    options: { applicationName: string; logger: Logger; signal?: AbortSignal },
  ): Promise<ApplySession> {
    const client = await connect(url, { applicationName: options.applicationName, logger: options.logger });
    try {
      const r = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      return new ApplySession(
        client,
        r.rows[0]?.pid ?? 0,
        url,
        options.applicationName,
        options.logger,
        options.signal,
      );
    } catch (e) {
      await client.end().catch(() => undefined);
      throw e;
    }
  }

  /** Runs a query, marked as in flight for cancellation. */
  async query<R extends pg.QueryResultRow = pg.QueryResultRow>(
    sql: string,
    params?: unknown[],
  ): Promise<pg.QueryResult<R>> {
    this.inFlight++;
    if (this.aborted) this.kick();
    try {
      return await this.client.query<R>(sql, params);
    } finally {
      this.inFlight--;
    }
  }

  /**
   * Runs a multi-statement query and counts the statements that completed before an error (the
   * server reports each with a CommandComplete message, then stops at the first error): the failing
   * statement is the next one, found without running anything again. Never throws.
   */
  async queryCounted(sql: string): Promise<CountedQuery> {
    const completed: string[] = [];
    const onComplete = (msg: { text?: string }): void => {
      completed.push(msg.text ?? '');
    };
    const connection = this.client.connection;
    connection.on('commandComplete', onComplete);
    try {
      const result = (await this.query(sql)) as pg.QueryResult | pg.QueryResult[];
      return { result, completed };
    } catch (error) {
      return { error, completed };
    } finally {
      connection.off('commandComplete', onComplete);
    }
  }

  get aborted(): boolean {
    return this.signal?.aborted ?? false;
  }

  /** Starts the cancel loop unless it is running. */
  private kick(): void {
    if (this.cancelling) return;
    this.cancelling = this.cancelRunningQuery().finally(() => {
      this.cancelling = undefined;
    });
  }

  /** Waits until no cancel is under way (call before writing the failure record after an abort). */
  async settle(): Promise<void> {
    while (this.cancelling) await this.cancelling.catch(() => undefined);
  }

  /** Cancels the running query from a second connection, repeating while one is still in flight (bounded). */
  private async cancelRunningQuery(): Promise<void> {
    for (let attempt = 0; attempt < 40 && this.inFlight > 0 && !this.lost; attempt++) {
      try {
        const c = await connect(this.url, {
          applicationName: `${this.applicationName} (cancel)`,
          logger: this.logger,
          connectTimeoutMs: 5000,
        });
        try {
          await c.query('SELECT pg_cancel_backend($1)', [this.pid]);
        } finally {
          await c.end().catch(() => undefined);
        }
        this.logger.info(`cancelled the running query (backend ${this.pid})`);
      } catch {
        this.logger.warn(`could not reach the database to cancel the running query of backend ${this.pid}`);
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  /** Runs `fn` on a new, separate connection (closed after): e.g. to read the history after this session died. */
  async withFreshClient<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
    const c = await connect(this.url, {
      applicationName: this.applicationName,
      logger: this.logger,
      connectTimeoutMs: 5000,
    });
    try {
      return await fn(c);
    } finally {
      await c.end().catch(() => undefined);
    }
  }

  /** Closes the connection (waits for a pending cancel first). Idempotent. */
  async close(): Promise<void> {
    this.signal?.removeEventListener('abort', this.onAbort);
    await this.settle();
    await this.client.end().catch(() => undefined);
  }
}
