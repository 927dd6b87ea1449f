/**
 * Every error path of apply/status (core, CLI and action), scanned for the password: zero leaks in
 * messages, logs, summary and history, not even a 4-character piece of it.
 */
import { jest } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { run as runApplyAction } from '../../action-apply/main.js';
import { renderApplySummary } from '../../action-apply/summary.js';
import { apply, status } from '../../src/apply/index.js';
import type { ApplyResult } from '../../src/apply/types.js';
import { main } from '../../src/cli.js';
import { connect } from '../../src/db/client.js';
import { isDbActionError } from '../../src/errors.js';
import { MemoryLogger } from '../../src/logger.js';
import { createTestDatabase, type TestDatabase } from '../helpers/pg.js';
import { memoryIo } from '../newcomer/io.js';
import { rows, TempDir } from './fixtures.js';

const PASSWORD = "Sup3r:s3cret@p/w#rd%x'q";
/**
 * Passwords written into URLs WITHOUT percent-encoding (no piece of them is an English word). A URL
 * parser reads each of them differently: user `deployer`, password `Qx9`, host `Zk`; or host
 * `deployer`, port 4471, database `Vq3Kd@127.0.0.1:…`; the last one does not parse at all.
 */
const UNENCODED = ['Qx9@Zk/7Wv#Jm?Rt', 'pa@ssw0rd/2O24', '4471/Vq3Kd', '8093?Pb4Wm', '6218#Tn8Hz', 'Kd8/Vq3@Tn'];
/** The error for such a URL: the ambiguity when a URL parser reads it, else that it is not a URL. */
const UNENCODED_ERROR =
  /user name or password holds a character that must be percent-encoded|the database URL is not a valid URL/;
let db: TestDatabase;
let url: string;
let dir: TempDir;

/** Every piece of `secret` of 4 characters or more. */
function fragments(secret: string): string[] {
  const out = new Set<string>();
  for (let i = 0; i < secret.length; i++) for (let j = i + 4; j <= secret.length; j++) out.add(secret.slice(i, j));
  return [...out];
}

function spellings(): string[] {
  return [...fragments(PASSWORD), encodeURIComponent(PASSWORD), url];
}

/** Fails with the leaking piece named. */
function expectNoFragment(text: string, secret: string): void {
  const leaked = fragments(secret).filter((f) => text.includes(f));
  expect(leaked).toEqual([]);
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
  const leaked = spellings().filter((s) => text.includes(s));
  expect(leaked).toEqual([]);
}

beforeAll(async () => {
  // not 'apply_secrets': the database name is in the output, and `cret` is a piece of the password
  db = await createTestDatabase('apply_leaks');
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
    expect(await scenario((logger) => apply(base(logger)))).toMatch(/edited after it was applied to this database/);
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

/** postgres://deployer:<password as typed>@127.0.0.1:<port>/<db> of the test server. */
function unencodedUrl(password: string): string {
  const u = new URL(db.url);
  return `postgres://deployer:${password}@${u.hostname}:${u.port}${u.pathname}`;
}

describe('a password written without percent-encoding (an @, /, ? or # in it)', () => {
  it('the core refuses the URL before connecting, says to percent-encode, and no piece of the password is shown', async () => {
    dir.write({ '1_a.sql': 'SELECT 1;\n' });
    for (const pw of UNENCODED) {
      const logger = new MemoryLogger();
      const r = await apply(base(logger, unencodedUrl(pw)));
      expect(r.ok).toBe(false);
      const e = r.error as Error & { hint?: string };
      expect(e.message).toMatch(UNENCODED_ERROR);
      expect(e.hint).toMatch(/@ as %40, \/ as %2F/);
      expect(e.message).not.toMatch(/could not connect|getaddrinfo|ENOTFOUND/);
      const text = everything(r, logger, renderApplySummary(r));
      expectNoFragment(text, pw);
      expect(text).not.toContain('deployer:');
      const s = await status(base(new MemoryLogger(), unencodedUrl(pw)));
      expect(s.error?.message).toMatch(UNENCODED_ERROR);
      expectNoFragment(everything(s, new MemoryLogger()), pw);
    }
  });

  it('the CLI exits 2 (apply --url, status, DATABASE_URL) with the percent-encode hint and no piece of the password', async () => {
    dir.write({ 'migrations/1_a.sql': 'SELECT 1;\n' });
    for (const pw of UNENCODED) {
      const bad = unencodedUrl(pw);
      const runs: [string[], NodeJS.ProcessEnv][] = [
        [['apply', '--url', bad], {}],
        [['apply', '--verify'], { DATABASE_URL: bad }],
        [['status', '--url', bad], {}],
      ];
      for (const [argv, env] of runs) {
        const t = memoryIo(dir.path, env);
        expect(await main(argv, t)).toBe(2);
        expect(t.err).toMatch(/^db-action: /);
        expect(t.err).toMatch(UNENCODED_ERROR);
        expect(t.err).toMatch(/hint: .*@ as %40, \/ as %2F/);
        expect(t.err).not.toMatch(/could not connect|getaddrinfo/);
        expectNoFragment(t.out + t.err, pw);
      }
    }
    // the audit's example: refused as ambiguous, nothing of the host the URL parser made of the password
    const t = memoryIo(dir.path);
    expect(await main(['apply', '--url', unencodedUrl('pa@ssword/2024')], t)).toBe(2);
    expect(t.err).toMatch(/user name or password holds a character that must be percent-encoded/);
    expect(t.err).not.toMatch(/ssword:|2024|ENOTFOUND/);
  });

  it('the CLI: the other error paths (failing migration, wrong password) show no piece of the password', async () => {
    dir.write({ 'migrations/1_a.sql': 'CREATE TABLE cli_a (id int);\n', 'migrations/2_b.sql': 'SELECT 1/0;\n' });
    const failing = memoryIo(dir.path, { DATABASE_URL: url });
    expect(await main(['apply', '--history-table', 'cli.history'], failing)).toBe(1);
    expect(failing.err).toMatch(/division by zero/);
    expectNoLeak(failing.out + failing.err);
    const wrong = new URL(url);
    wrong.password = encodeURIComponent(`${PASSWORD}-wrong`);
    const t = memoryIo(dir.path);
    // a failed login is a configuration error: exit 2, as for status and lint
    expect(await main(['apply', '--url', wrong.toString(), '--history-table', 'cli.history'], t)).toBe(2);
    expect(t.err).toMatch(/authentication failed/);
    expectNoLeak(t.out + t.err);
  });
});

describe('the apply action with a password written without percent-encoding', () => {
  let files: string;
  let stdout: string;
  const savedEnv = { ...process.env };
  const savedExitCode = process.exitCode;
  beforeAll(() => {
    files = mkdtempSync(join(tmpdir(), 'db-action-gh-secrets-'));
  });
  afterAll(() => {
    rmSync(files, { recursive: true, force: true });
  });
  beforeEach(() => {
    stdout = '';
    writeFileSync(join(files, 'summary'), '');
    writeFileSync(join(files, 'output'), '');
    jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      stdout += chunk.toString();
      return true;
    });
    Object.assign(process.env, {
      GITHUB_WORKSPACE: dir.path,
      GITHUB_OUTPUT: join(files, 'output'),
      GITHUB_STEP_SUMMARY: join(files, 'summary'),
      INPUT_DIR: 'migrations',
      'INPUT_DIR-FORMAT': 'plain',
    });
    process.exitCode = undefined;
  });
  afterEach(() => {
    jest.restoreAllMocks();
    process.env = { ...savedEnv };
    process.exitCode = savedExitCode;
  });

  /** stdout without the ::add-mask:: lines (they carry the secrets, for GitHub to mask). */
  function shown(): string {
    return stdout
      .split('\n')
      .filter((l) => !l.startsWith('::add-mask::'))
      .join('\n');
  }

  it('fails the step with the percent-encode hint; no piece of the password in ::error::, the log or the summary', async () => {
    dir.write({ 'migrations/1_a.sql': 'SELECT 1;\n' });
    for (const pw of UNENCODED) {
      stdout = '';
      writeFileSync(join(files, 'summary'), '');
      process.env['INPUT_DATABASE-URL'] = unencodedUrl(pw);
      await runApplyAction();
      expect(process.exitCode).toBe(1);
      expect(shown()).toMatch(/::error::the database URL/);
      expect(shown()).toMatch(UNENCODED_ERROR);
      const summary = readFileSync(join(files, 'summary'), 'utf8');
      expect(summary).toMatch(UNENCODED_ERROR);
      expectNoFragment(shown(), pw);
      expectNoFragment(summary, pw);
      // GitHub masks the whole user:password part too
      expect(stdout).toContain(`::add-mask::deployer:${pw}`);
    }
  });

  it('a failing migration with a working (encoded) password: no piece of it in ::error:: or the summary', async () => {
    dir.write({ 'migrations/1_a.sql': 'CREATE TABLE act_a (id int);\n', 'migrations/2_b.sql': 'SELECT 1/0;\n' });
    process.env['INPUT_DATABASE-URL'] = url;
    process.env['INPUT_HISTORY-TABLE'] = 'act.history';
    await runApplyAction();
    expect(process.exitCode).toBe(1);
    expect(shown()).toMatch(/::error[^\n]*::.*division by zero/);
    expectNoLeak(shown());
    expectNoLeak(readFileSync(join(files, 'summary'), 'utf8'));
  });
});
