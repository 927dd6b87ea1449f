import { withClient } from '../../src/db/client.js';
import { createTestDatabase, testServerUrl } from '../helpers/pg.js';

describe('shared test server (globalSetup + helpers/pg.ts)', () => {
  it('exports a superuser URL workers can use', async () => {
    const row = await withClient(
      testServerUrl(),
      async (c) =>
        (
          await c.query<{ su: boolean; db: string }>(
            "select current_setting('is_superuser') = 'on' as su, current_database() as db",
          )
        ).rows[0],
    );
    expect(row).toEqual({ su: true, db: 'postgres' });
  });

  it('creates a fresh empty database and drops it even with a connection open', async () => {
    const db = await createTestDatabase();
    const open = await import('../../src/db/client.js').then((m) => m.connect(db.url));
    try {
      const r = await open.query<{ db: string; n: string }>(
        "select current_database() as db, count(*) as n from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = 'public'",
      );
      expect(r.rows[0]).toEqual({ db: db.name, n: '0' });
      await db.drop();
      await db.drop(); // idempotent
    } finally {
      await open.end().catch(() => undefined);
    }
    const exists = await withClient(
      testServerUrl(),
      async (c) => (await c.query('select 1 from pg_database where datname = $1', [db.name])).rowCount,
    );
    expect(exists).toBe(0);
  });
});
