/** What the providers share: the "not available here" signal and the server version query. */
import { withClient } from '../db/client.js';
import type { Logger } from '../logger.js';

/**
 * Thrown by a provider that cannot run on this machine at all (no Docker engine, no binaries):
 * `auto` moves on to the next provider. Any other error means the provider was there but failed.
 */
export class ProviderUnavailable extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProviderUnavailable';
  }
}

/** `SHOW server_version_num` as a number. */
export async function serverVersionNum(url: string, logger?: Logger): Promise<number> {
  return withClient(
    url,
    async (client) => {
      const r = await client.query<{ server_version_num: string }>('SHOW server_version_num');
      return Number(r.rows[0]?.server_version_num);
    },
    { applicationName: 'db-action devdb', logger },
  );
}
