/**
 * Replay proof on the six real-world corpora (../shared/corpus relative to the repo root): every
 * corpus replays on a fresh dev database and its last 3 migrations trace without an apply error.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { withClient } from '../../src/db/client.js';
import { DbActionError } from '../../src/errors.js';
import { MemoryLogger } from '../../src/logger.js';
import { lint } from '../../src/lint/index.js';
import type { LintReport } from '../../src/lint/types.js';
import { testServerUrl } from '../helpers/pg.js';

const corpusRoot = fileURLToPath(new URL('../../../shared/corpus/', import.meta.url));
const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/** measure-dbmate's schema and database search_path (upstream's init script does this first). */
export const MEASURE_PRELUDE =
  'CREATE SCHEMA measure;\n' +
  `DO $$ BEGIN EXECUTE format('ALTER DATABASE %I SET search_path TO measure, "$user", public', current_database()); END $$;`;

/** `force`: sqlx's `<ts>_<name>.up.sql` layout is also valid golang-migrate, so auto-detection cannot tell them apart. */
const CORPORA: { name: string; format: string; prelude?: string; force?: boolean }[] = [
  { name: 'trigger-dev-prisma', format: 'prisma' },
  { name: 'crates-io-diesel', format: 'diesel' },
  { name: 'openmeter-atlas', format: 'golang-migrate' },
  { name: 'marquez-flyway', format: 'flyway' },
  { name: 'measure-dbmate', format: 'dbmate', prelude: MEASURE_PRELUDE },
  { name: 'docs-rs-sqlx', format: 'sqlx', force: true },
];

async function lintCorpus(name: string, prelude?: string, format?: string): Promise<LintReport> {
  return lint({
    dir: `../shared/corpus/${name}`,
    cwd: repoRoot,
    latest: 3,
    devUrl: testServerUrl(),
    devProvider: 'url',
    logger: new MemoryLogger(),
    ...(prelude ? { prelude } : {}),
    ...(format ? { format: format as never } : {}),
  });
}

describe('corpora replay (latest 3 as new)', () => {
  it('finds the corpus directory', () => {
    expect(existsSync(corpusRoot)).toBe(true);
  });

  it.each(CORPORA)(
    '$name replays its base and traces its last 3 migrations',
    async ({ name, format, prelude, force }) => {
      const report = await lintCorpus(name, prelude, force ? format : undefined);
      expect(report.format).toBe(format);
      expect(report.newCount).toBe(3);
      expect(report.baseCount).toBeGreaterThan(20);
      expect(report.findings.filter((f) => f.category === 'apply-error')).toEqual([]);
      expect(report.files).toHaveLength(3);
      for (const f of report.files) {
        expect(f.file.startsWith(`../shared/corpus/${name}/`)).toBe(true);
        expect(f.note).toBeUndefined();
        expect(f.statements.filter((s) => s.error !== undefined)).toEqual([]);
      }
      process.stderr.write(`${name}: ${report.baseCount} base + 3 new in ${Math.round(report.durationMs)} ms\n`);
    },
  );

  it('measure-dbmate without its prelude stops with an apply-error at the first file needing the schema', async () => {
    const report = await lintCorpus('measure-dbmate');
    const errs = report.findings.filter((f) => f.category === 'apply-error');
    expect(errs).toHaveLength(1);
    expect(errs[0]?.file).toMatch(/20240830075257_create_roles_table\.sql$/);
    expect(errs[0]?.message).toMatch(/schema "measure" does not exist/);
    expect(errs[0]?.line).toBeGreaterThan(1);
    expect(report.files.every((f) => f.statements.length === 0)).toBe(true);
  });
});

describe('cancellation', () => {
  it('an abort during the base replay rejects with a DbActionError and drops the dev database', async () => {
    const logger = new MemoryLogger();
    const controller = new AbortController();
    const running = lint({
      dir: '../shared/corpus/trigger-dev-prisma',
      cwd: repoRoot,
      latest: 3,
      devUrl: testServerUrl(),
      devProvider: 'url',
      logger,
      signal: controller.signal,
    });
    // abort once the replay is under way
    const started = Date.now();
    while (!logger.lines.some((l) => l.message.startsWith('dev database:')) && Date.now() - started < 30000) {
      await new Promise((r) => setTimeout(r, 20));
    }
    await new Promise((r) => setTimeout(r, 300));
    controller.abort();
    const err = await running.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DbActionError);
    expect((err as DbActionError).message).toMatch(/cancelled/);
    expect(logger.text()).not.toMatch(/replayed \d+ base/); // it stopped mid-replay
    const name = /created dev database (\S+)/.exec(logger.text())?.[1];
    expect(name).toBeDefined();
    const exists = await withClient(testServerUrl(), (c) =>
      c.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]),
    );
    expect(exists.rowCount).toBe(0);
  });
});
