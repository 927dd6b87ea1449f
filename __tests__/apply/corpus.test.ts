import { apply, status } from '../../src/apply/index.js';
import { MemoryLogger } from '../../src/logger.js';
import type { DirFormat } from '../../src/migrations/types.js';
import { createTestDatabase, type TestDatabase } from '../helpers/pg.js';
import { corpusDir, historyRows, rows } from './fixtures.js';

const cases: { corpus: string; format: DirFormat; count: number; prelude?: (db: string) => string }[] = [
  { corpus: 'trigger-dev-prisma', format: 'prisma', count: 820 },
  { corpus: 'crates-io-diesel', format: 'diesel', count: 285 },
  { corpus: 'openmeter-atlas', format: 'golang-migrate', count: 269 },
  // flyway: numeric order, repeatable R__ files after the versioned ones
  { corpus: 'marquez-flyway', format: 'flyway', count: 84 },
  // sqlx: comment-only up files
  { corpus: 'docs-rs-sqlx', format: 'sqlx', count: 33 },
  // dbmate: up sections (one without a final `;`), after the prelude its SOURCE.txt asks for
  {
    corpus: 'measure-dbmate',
    format: 'dbmate',
    count: 72,
    prelude: (db) => `CREATE SCHEMA measure; ALTER DATABASE "${db}" SET search_path TO measure, "$user", public;`,
  },
];

describe.each(cases)('corpus $corpus', ({ corpus, format, count, prelude }) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase('apply_corpus');
    if (prelude) await rows(db.url, prelude(db.name));
  });
  afterAll(async () => {
    await db.drop();
  });

  it(`applies all ${count} migrations cleanly, and a second apply is a no-op`, async () => {
    const dir = corpusDir(corpus);
    const logger = new MemoryLogger();
    const r = await apply({ databaseUrl: db.url, dir, format, logger, cwd: dir });
    expect(r.error).toBeUndefined();
    expect(r.appliedCount).toBe(count);
    expect(r.pendingCount).toBe(0);
    expect(r.migrations.every((m) => m.status === 'applied')).toBe(true);
    const h = await historyRows(db.url);
    expect(h).toHaveLength(count);
    expect(h.every((x) => x.status === 'applied')).toBe(true);
    // the schema is really there: more user tables than migrations' worth of nothing
    const tables = await rows<{ n: number }>(
      db.url,
      "SELECT count(*)::int AS n FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema', 'db_action')",
    );
    expect(tables[0]!.n).toBeGreaterThan(3);

    const again = await apply({ databaseUrl: db.url, dir, format, logger: new MemoryLogger(), cwd: dir });
    expect(again.error).toBeUndefined();
    expect(again.appliedCount).toBe(0);
    expect(again.migrations).toEqual([]);
    expect(again.currentVersion).toBe(r.currentVersion);
    const s = await status({ databaseUrl: db.url, dir, format, logger: new MemoryLogger(), cwd: dir });
    expect(s.ok).toBe(true);
    expect(s.pendingCount).toBe(0);
    expect(s.appliedCount).toBe(count);
  });
});
