/** Every error path of apply/status, scanned for the password: zero leaks in messages, logs, summary and history. */
import { renderApplySummary } from '../../action-apply/summary.js';
import { apply, status } from '../../src/apply/index.js';
import type { ApplyResult } from '../../src/apply/types.js';
import { connect } from '../../src/db/client.js';
import { isDbActionError } from '../../src/errors.js';
import { MemoryLogger } from '../../src/logger.js';
import { createTestDatabase, type TestDatabase } from '../helpers/pg.js';
import { rows, TempDir } from './fixtures.js';

const PASSWORD = "Sup3r:s3cret@p/w#rd%x'q";
let db: TestDatabase;
let url: string;
let dir: TempDir;

function spellings(): string[] {
  return [PASSWORD, encodeURIComponent(PASSWORD), url];
}

function everything(result: { error?: Error }, logger: MemoryLogger, extra = ''): string {
  const e = result.error;
  const parts = [logger.text(), JSON.stringify(result), extra];
  if (e) {
    parts.push(
      e.message,
      String((e as { hint?: string }).hint),
      isDbActionError(e) ? e.format() : '',
      String((e.cause as Error | undefined)?.message),
    );
  }
  return parts.join('\n');
}

function expectNoLeak(text: string): void {
  for (const s of spellings()) expect(text).not.toContain(s);
}

beforeAll(async () => {
  db = await createTestDatabase('apply_secrets');
  const role = `leaky_${db.name.slice(-8)}`;
  await rows(db.url, `CREATE ROLE ${role} LOGIN SUPERUSER PASSWORD '${PASSWORD.replace(/'/g, "''")}'`);
  const u = new URL(db.url);
  u.username = role;
  u.password = encodeURIComponent(PASSWORD);
  url = u.toString();
});
afterAll(async () => {
  await db.drop();
});
beforeEach(() => {
  dir = new TempDir();
});
afterEach(() => {
  dir.remove();
});

const base = (logger: MemoryLogger, databaseUrl = url) => ({
  databaseUrl,
  dir: dir.path,
  format: 'plain' as const,
  logger,
  cwd: dir.path,
  lockRetryDelayMs: 20,
});

async function scenario(
  run: (logger: MemoryLogger) => Promise<ApplyResult | { error?: Error; ok: boolean }>,
): Promise<string> {
  const logger = new MemoryLogger();
  const result = await run(logger);
  expect(result.ok).toBe(false);
  const summary = 'dryRun' in result ? renderApplySummary(result as ApplyResult) : '';
  const text = everything(result, logger, summary);
  expectNoLeak(text);
  return text;
}

describe('no secret in any output', () => {
  it('the password really works (the scenarios below run as that role)', async () => {
    const c = await connect(url);
    try {
      expect((await c.query('SELECT current_user AS u')).rows[0].u).toMatch(/^leaky_/);
    } finally {
      await c.end();
    }
  });

  it('failing migration, edited migration, out-of-order, lock timeout, advisory lock wait, cancellation', async () => {
    dir.write({ '1_a.sql': 'CREATE TABLE leak_a (id int);\n', '3_c.sql': 'SELECT 1/0;\n' });
    const failed = await scenario((logger) => apply(base(logger)));
    expect(failed).toMatch(/division by zero/);
    const history = JSON.stringify(await rows(db.url, 'SELECT * FROM db_action.schema_migrations'));
    expectNoLeak(history);

    dir.write({ '1_a.sql': 'CREATE TABLE leak_a (id int, x int);\n' });
    expect(await scenario((logger) => apply(base(logger)))).toMatch(/edited since/);
    dir.write({ '1_a.sql': 'CREATE TABLE leak_a (id int);\n', '3_c.sql': 'SELECT 1;\n' });
    expect((await apply(base(new MemoryLogger()))).ok).toBe(true);
    dir.write({ '2_b.sql': 'SELECT 1;\n' });
    expect(await scenario((logger) => apply(base(logger)))).toMatch(/sorts before/);
    dir.remove();
    dir = new TempDir();
    dir.write({
      '1_a.sql': 'CREATE TABLE leak_a (id int);\n',
      '3_c.sql': 'SELECT 1;\n',
      '4_d.sql': 'ALTER TABLE leak_a ADD COLUMN y int;\n',
    });

    const holder = await connect(db.url);
    try {
      await holder.query('BEGIN');
      await holder.query('LOCK TABLE leak_a IN ACCESS SHARE MODE');
      expect(await scenario((logger) => apply({ ...base(logger), lockTimeoutMs: 100, lockRetries: 2 }))).toMatch(
        /55P03/,
      );
      await holder.query('COMMIT');
      const [k1, k2] = (await import('../../src/apply/lock.js')).lockKeys('db_action.schema_migrations');
      await holder.query('SELECT pg_advisory_lock($1, $2)', [k1, k2]);
      expect(await scenario((logger) => apply({ ...base(logger), lockWaitMs: 200 }))).toMatch(
        /holds the migration lock/,
      );
      await holder.query('SELECT pg_advisory_unlock($1, $2)', [k1, k2]);
    } finally {
      await holder.end();
    }

    dir.write({ '4_d.sql': 'SELECT pg_sleep(20);\n' });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 700);
    expect(await scenario((logger) => apply({ ...base(logger), signal: controller.signal }))).toMatch(/cancelled/);
    expectNoLeak(JSON.stringify(await rows(db.url, 'SELECT * FROM db_action.schema_migrations')));
  });

  it('connection failures: wrong password, closed port, malformed URL, unknown database; and status()', async () => {
    dir.write({ '1_a.sql': 'SELECT 1;\n' });
    const wrong = new URL(url);
    wrong.password = encodeURIComponent(`${PASSWORD}-wrong`);
    const wrongText = await scenario((logger) => apply(base(logger, wrong.toString())));
    expect(wrongText).toMatch(/authentication failed/);
    expect(wrongText).not.toContain(`${PASSWORD}-wrong`);
    expect(wrongText).not.toContain(encodeURIComponent(`${PASSWORD}-wrong`));

    const closed = new URL(url);
    closed.port = '1';
    expect(await scenario((logger) => apply(base(logger, closed.toString())))).toMatch(/could not connect/);

    const malformed = `postgres://leaky:${PASSWORD}@127.0.0.1:5432/x`;
    const text = await scenario((logger) => apply(base(logger, malformed)));
    expect(text).not.toContain(PASSWORD);

    const nodb = new URL(url);
    nodb.pathname = '/no_such_database_here';
    expect(await scenario((logger) => apply(base(logger, nodb.toString())))).toMatch(/does not exist/);
    expect(await scenario((logger) => status(base(logger, nodb.toString())))).toMatch(/does not exist/);
  });
});
