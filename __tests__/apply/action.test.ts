/**
 * The apply action run in-process: INPUT_* variables in, GITHUB_OUTPUT / GITHUB_STEP_SUMMARY files
 * and workflow commands on stdout out.
 */
import { jest } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { run } from '../../action-apply/main.js';
import { createTestDatabase, type TestDatabase } from '../helpers/pg.js';
import { historyRows, rows, TempDir } from './fixtures.js';

let db: TestDatabase;
let workspace: TempDir;
let files: string;
let stdout: string;
const savedEnv = { ...process.env };
const savedExitCode = process.exitCode;

function password(url: string): string {
  return decodeURIComponent(new URL(url).password);
}

// @actions/core's summary caches the GITHUB_STEP_SUMMARY path on first use: one directory for the file
beforeAll(() => {
  files = mkdtempSync(join(tmpdir(), 'db-action-gh-'));
});
afterAll(() => {
  rmSync(files, { recursive: true, force: true });
});

beforeEach(async () => {
  db = await createTestDatabase('apply_action');
  workspace = new TempDir('db-action-ws-');
  writeFileSync(join(files, 'output'), '');
  writeFileSync(join(files, 'summary'), '');
  stdout = '';
  jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += chunk.toString();
    return true;
  });
  for (const k of Object.keys(process.env)) if (k.startsWith('INPUT_')) delete process.env[k];
  Object.assign(process.env, {
    GITHUB_WORKSPACE: workspace.path,
    GITHUB_OUTPUT: join(files, 'output'),
    GITHUB_STEP_SUMMARY: join(files, 'summary'),
    'INPUT_DATABASE-URL': db.url,
    INPUT_DIR: 'db/migrations',
    'INPUT_DIR-FORMAT': 'plain',
    'INPUT_LOCK-TIMEOUT': '2s',
    'INPUT_STATEMENT-TIMEOUT': '0',
    'INPUT_LOCK-RETRIES': '2',
    'INPUT_LOCK-WAIT': '30s',
    'INPUT_DRY-RUN': 'false',
    'INPUT_ALLOW-OUT-OF-ORDER': 'false',
    'INPUT_HISTORY-TABLE': 'db_action.schema_migrations',
  });
  process.exitCode = undefined;
});

afterEach(async () => {
  jest.restoreAllMocks();
  process.env = { ...savedEnv };
  process.exitCode = savedExitCode;
  await db.drop();
  workspace.remove();
});

function withoutMasks(text: string): string {
  return text
    .split('\n')
    .filter((l) => !l.startsWith('::add-mask::'))
    .join('\n');
}

function outputs(): Record<string, string> {
  // GITHUB_OUTPUT holds `name<<delimiter\nvalue\ndelimiter` blocks
  const text = readFileSync(join(files, 'output'), 'utf8');
  const out: Record<string, string> = {};
  for (const m of text.matchAll(/^([\w-]+)<<(\S+)\n([\s\S]*?)\n\2$/gm)) out[m[1]!] = m[3]!;
  return out;
}

describe('apply action', () => {
  it('masks the URL and password first, applies, sets outputs and writes the summary', async () => {
    workspace.write({
      'db/migrations/1_users.sql': 'CREATE TABLE users (id int);\n',
      'db/migrations/2_idx.sql': 'CREATE INDEX CONCURRENTLY users_id ON users (id);\n',
    });
    await run();
    expect(process.exitCode).toBeUndefined();
    const lines = stdout.split('\n');
    // the very first workflow commands are the masks, for the whole URL and the password
    expect(lines[0]).toMatch(/^::add-mask::/);
    expect(lines.filter((l) => l.startsWith('::add-mask::'))).toEqual(
      expect.arrayContaining([`::add-mask::${db.url}`, `::add-mask::${password(db.url)}`]),
    );
    const afterMasks = lines.filter((l) => !l.startsWith('::add-mask::')).join('\n');
    expect(afterMasks).not.toContain(password(db.url));
    expect(outputs()).toEqual({ 'applied-count': '2', 'pending-count': '0', 'current-version': '2' });
    const summary = readFileSync(join(files, 'summary'), 'utf8');
    expect(summary).toContain('db-action apply');
    expect(summary).toMatch(
      /\| `db\/migrations\/1_users\.sql` \| 1 \| ✅ applied \| \d+(ms|\.\d+s) \| one transaction \|/,
    );
    expect(summary).toMatch(/\| `db\/migrations\/2_idx\.sql` \| 2 \| ✅ applied \| .* \| per statement \|/);
    expect(summary).not.toContain(password(db.url));
    expect((await historyRows(db.url)).map((h) => h.status)).toEqual(['applied', 'applied']);
  });

  it('fails with an annotation at the repo-relative file:line, a clean message, and outputs', async () => {
    workspace.write({
      'db/migrations/1_users.sql': 'CREATE TABLE users (id int);\n',
      'db/migrations/2_bad.sql': 'CREATE TABLE posts (id int);\nINSERT INTO posts SELECT missing FROM users;\n',
    });
    await run();
    expect(process.exitCode).toBe(1);
    expect(stdout).toMatch(
      /::error title=db-action apply,file=db\/migrations\/2_bad\.sql,line=2,col=\d+::.*column "missing" does not exist/,
    );
    // one failure, one annotation: `file:line:col: message` and the hint, no second plain ::error:: of the same text
    expect(stdout).toMatch(
      /::error title=[^\n]*::db\/migrations\/2_bad\.sql:2:\d+: statement 2 .* failed: column "missing" does not exist.*%0A {2}hint: /,
    );
    expect(stdout.split('\n').filter((l) => l.startsWith('::error'))).toHaveLength(1);
    expect(stdout).not.toMatch(/\n\s+at .*\.(ts|js):\d+/);
    expect(withoutMasks(stdout)).not.toContain(password(db.url));
    expect(outputs()).toEqual({ 'applied-count': '1', 'pending-count': '1', 'current-version': '1' });
    const summary = readFileSync(join(files, 'summary'), 'utf8');
    expect(summary).toMatch(/2_bad\.sql` \| 2 \| ❌ failed/);
    expect(summary).toContain('### Error');
  });

  it('a baseline input that is not a migration version fails the step and records nothing (the audit: abc)', async () => {
    workspace.write({
      'db/migrations/20240101000000_a.sql': 'CREATE TABLE a (id int);\n',
      'db/migrations/20240401000000_b.sql': 'CREATE TABLE b (id int);\n',
    });
    process.env.INPUT_BASELINE = 'abc';
    await run();
    expect(process.exitCode).toBe(1);
    expect(stdout).toMatch(
      /::error::baseline version "abc" is not the version of a migration in the directory \(the directory has 2 versioned migrations, 20240101000000 … 20240401000000; closest: 20240401000000\); nothing was recorded or run/,
    );
    expect(stdout.split('\n').filter((l) => l.startsWith('::error'))).toHaveLength(1);
    expect(await rows(db.url, "SELECT 1 FROM pg_namespace WHERE nspname = 'db_action'")).toHaveLength(0);
    expect(outputs()).toEqual({ 'applied-count': '0', 'pending-count': '0', 'current-version': '' });

    // the exact version: the log and the summary say the later migration is applied in the same run
    stdout = '';
    process.exitCode = undefined;
    writeFileSync(join(files, 'summary'), '');
    process.env.INPUT_BASELINE = '20240101000000';
    await run();
    expect(process.exitCode).toBeUndefined();
    expect(stdout).toContain(
      'baseline: 1 migration(s) up to and including 20240101000000 recorded as applied without running them; 1 of the 1 later one(s) applied in this run',
    );
    expect(readFileSync(join(files, 'summary'), 'utf8')).toMatch(
      /> \[!NOTE\]\n> baseline: 1 migration\(s\) up to and including/,
    );
    expect((await historyRows(db.url)).map((h) => [h.key, h.status])).toEqual([
      ['20240101000000', 'baseline'],
      ['20240401000000', 'applied'],
    ]);
  });

  it('dry-run writes nothing and reports what would run', async () => {
    workspace.write({ 'db/migrations/1_users.sql': 'CREATE TABLE users (id int);\n' });
    process.env['INPUT_DRY-RUN'] = 'true';
    await run();
    expect(process.exitCode).toBeUndefined();
    expect(outputs()).toEqual({ 'applied-count': '0', 'pending-count': '1', 'current-version': '' });
    expect(readFileSync(join(files, 'summary'), 'utf8')).toMatch(/dry run[\s\S]*⏳ pending/);
    expect(await rows(db.url, "SELECT 1 FROM pg_namespace WHERE nspname = 'db_action'")).toHaveLength(0);
  });

  it('SIGTERM (a cancelled workflow) cancels the running migration, records the failure and fails the step', async () => {
    workspace.write({
      'db/migrations/1_users.sql': 'CREATE TABLE users (id int);\n',
      'db/migrations/2_slow.sql': 'INSERT INTO users VALUES (1);\nSELECT pg_sleep(30);\n',
    });
    const t0 = Date.now();
    const running = run();
    for (let i = 0; i < 200; i++) {
      const r = await rows(
        db.url,
        "SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND wait_event = 'PgSleep'",
      );
      if (r.length > 0) break;
      await new Promise((res) => setTimeout(res, 50));
    }
    process.emit('SIGTERM', 'SIGTERM');
    await running;
    expect(Date.now() - t0).toBeLessThan(15_000);
    expect(process.exitCode).toBe(1);
    expect(stdout).toMatch(/received SIGTERM: cancelling the running migration/);
    expect(stdout).toMatch(/::error[^\n]*::.*apply was cancelled while running db\/migrations\/2_slow\.sql/);
    expect(stdout.split('\n').filter((l) => l.startsWith('::error'))).toHaveLength(1);
    expect((await historyRows(db.url)).map((h) => [h.key, h.status])).toEqual([
      ['1', 'applied'],
      ['2', 'failed'],
    ]);
    expect(await rows(db.url, 'SELECT * FROM users')).toEqual([]);
  });

  it('rejects a malformed duration input cleanly, after masking', async () => {
    process.env['INPUT_LOCK-TIMEOUT'] = 'soon';
    await run();
    expect(process.exitCode).toBe(1);
    expect(stdout.split('\n')[0]).toMatch(/^::add-mask::/);
    expect(stdout).toMatch(/::error::input lock-timeout: cannot read "soon" as a duration/);
  });

  it('requires database-url', async () => {
    delete process.env['INPUT_DATABASE-URL'];
    await run();
    expect(process.exitCode).toBe(1);
    expect(stdout).toMatch(/::error::input database-url is required/);
  });
});
