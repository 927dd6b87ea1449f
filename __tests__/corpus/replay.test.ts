/**
 * Issue 2.5: every corpus in ../shared/corpus loads in its tool's order and replays cleanly on a real
 * database through the core. trigger-dev-prisma, crates-io-diesel and openmeter-atlas are applied in
 * __tests__/apply/corpus.test.ts; this file covers the other three, each with its trap.
 */
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { apply } from '../../src/apply/index.js';
import { withClient } from '../../src/db/client.js';
import { MemoryLogger } from '../../src/logger.js';
import { loadMigrationDirectory } from '../../src/migrations/index.js';
import { createTestDatabase } from '../helpers/pg.js';

const corpus = resolve(dirname(fileURLToPath(import.meta.url)), '../../../shared/corpus');
if (!existsSync(corpus)) throw new Error(`corpus not found at ${corpus}: ../shared/corpus must sit beside the repo`);

async function one<T>(url: string, sql: string): Promise<T> {
  return withClient(url, async (c) => (await c.query(sql)).rows[0] as T);
}

describe('corpus replay through the core', () => {
  it('marquez-flyway: V1..V10 numerically, then the R__ views, all 84 clean', async () => {
    const dir = resolve(corpus, 'marquez-flyway');
    const directory = await loadMigrationDirectory(dir);
    expect(directory.format).toBe('flyway');
    const db = await createTestDatabase('corpus_flyway');
    try {
      const r = await apply({ databaseUrl: db.url, directory, logger: new MemoryLogger(), cwd: dir });
      expect(r.error).toBeUndefined();
      expect(r.appliedCount).toBe(84);
      // Repeatable migrations ran last and created their views.
      const last3 = r.migrations.slice(-3).map((m) => m.name);
      expect(r.migrations.slice(-3).every((m) => m.repeatable)).toBe(true);
      expect(last3.join(',')).toMatch(/Datasets_view.*Jobs_view.*Runs_view/);
      const views = await one<{ n: number }>(
        db.url,
        "select count(*)::int as n from pg_views where viewname in ('datasets_view','jobs_view','runs_view')",
      );
      expect(views.n).toBe(3);
      const again = await apply({ databaseUrl: db.url, directory, logger: new MemoryLogger(), cwd: dir });
      expect(again.appliedCount).toBe(0);
    } finally {
      await db.drop();
    }
  });

  it('measure-dbmate: up sections only, with the documented prelude, all 72 clean', async () => {
    const dir = resolve(corpus, 'measure-dbmate');
    const directory = await loadMigrationDirectory(dir);
    expect(directory.format).toBe('dbmate');
    const db = await createTestDatabase('corpus_dbmate');
    try {
      await withClient(db.url, async (c) => {
        await c.query('CREATE SCHEMA measure');
        await c.query(`ALTER DATABASE "${db.name}" SET search_path TO measure, "$user", public`);
      });
      const r = await apply({ databaseUrl: db.url, directory, logger: new MemoryLogger(), cwd: dir });
      expect(r.error).toBeUndefined();
      expect(r.appliedCount).toBe(72);
      const t = await one<{ n: number }>(
        db.url,
        "select count(*)::int as n from pg_tables where schemaname = 'measure'",
      );
      expect(t.n).toBeGreaterThan(10);
      // The down sections never ran: every table an up section creates is still there.
      const apps = await one<{ ok: boolean }>(db.url, "select to_regclass('measure.apps') is not null as ok");
      expect(apps.ok).toBe(true);
    } finally {
      await db.drop();
    }
  });

  it('docs-rs-sqlx: 33 up files (2 comment-only) clean, down files ignored', async () => {
    const dir = resolve(corpus, 'docs-rs-sqlx');
    const directory = await loadMigrationDirectory(dir);
    expect(directory.migrations).toHaveLength(33);
    expect(directory.migrations.every((m) => m.relPath.endsWith('.up.sql'))).toBe(true);
    const db = await createTestDatabase('corpus_sqlx');
    try {
      const r = await apply({ databaseUrl: db.url, directory, logger: new MemoryLogger(), cwd: dir });
      expect(r.error).toBeUndefined();
      expect(r.appliedCount).toBe(33);
      const crates = await one<{ ok: boolean }>(db.url, "select to_regclass('public.crates') is not null as ok");
      expect(crates.ok).toBe(true);
    } finally {
      await db.drop();
    }
  });
});
