/**
 * A throwaway PostgreSQL for linting and tests. Contract implemented in src/devdb/.
 */
import type { Logger } from '../logger.js';

export type DevDbProviderName = 'url' | 'docker' | 'local' | 'embedded';

export interface DevDatabase {
  /** Connection string of an empty database reserved for this run (secret: never log it). */
  readonly url: string;
  readonly provider: DevDbProviderName;
  /** `server_version_num` of the server, e.g. 150018. */
  readonly serverVersionNum: number;
  /** Milliseconds from request to ready. */
  readonly startupMs: number;
  /** Drops the database / stops the server and removes its files. Idempotent. */
  close(): Promise<void>;
}

export interface DevDbOptions {
  /** Explicit server URL (e.g. a `services:` container). A fresh database is created inside it and dropped on close. */
  readonly url?: string;
  /** Provider to use; `auto` tries url, docker, local, embedded in that order. */
  readonly provider?: DevDbProviderName | 'auto';
  /** Major version wanted (`15`, `16`, `17`): docker image tag, preferred local binaries. */
  readonly postgresVersion?: string;
  readonly logger: Logger;
}
