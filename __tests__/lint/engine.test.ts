/**
 * The lint engine end to end on real PostgreSQL (a fresh database per run in the shared test server,
 * through the `url` dev database provider) over temporary git repositories.
 *
 * Engine behaviour (selection, replay, tracing, pre-existing bookkeeping, nolint, severities, fail-on)
 * is checked with two small probe rules defined here, so these tests do not depend on the wording of
 * the built-in rules; one test runs the built-in rules too.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

import { DbActionError } from '../../src/errors.js';
import { MemoryLogger } from '../../src/logger.js';
import { lint } from '../../src/lint/index.js';
import type { Rule } from '../../src/lint/rule.js';
import type { LintOptions, LintReport } from '../../src/lint/types.js';
import { testServerUrl } from '../helpers/pg.js';

/** Reports every pre-existing table, view or column the statement dropped (however it did it). */
const droppedProbe: Rule = {
  id: 'probe-dropped',
  category: 'destructive',
  defaultSeverity: 'error',
  summary: 'test probe: pre-existing objects dropped',
  docs: '',
  check(ctx) {
    return ctx.trace.diff.dropped
      .filter((o) => ['table', 'view', 'column'].includes(o.kind) && ctx.isPreexisting(o.kind, o.name))
      .map((o) => ({ message: `drops ${o.kind} ${o.name}` }));
  },
};

/** Reports AccessExclusiveLocks on pre-existing tables. */
const lockProbe: Rule = {
  id: 'probe-lock',
  category: 'blocking-lock',
  defaultSeverity: 'warning',
  summary: 'test probe: access exclusive locks on pre-existing tables',
  docs: '',
  check(ctx) {
    return ctx.trace.locks
      .filter((l) => l.mode === 'AccessExclusiveLock' && ctx.isPreexisting('table', l.relation))
      .map((l) => ({ message: `locks ${l.relation}` }));
  },
};

const probes = [droppedProbe, lockProbe];
const roots: string[] = [];

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

function write(root: string, files: Record<string, string>): void {
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), text);
  }
}

/**
 * A git repo whose `main` holds `base` (paths relative to the repo root), checked out on branch
 * `feature` with `committed` committed on it and `uncommitted` written but not even added.
 */
function repo(
  base: Record<string, string>,
  committed: Record<string, string> = {},
  uncommitted: Record<string, string> = {},
): string {
  const root = mkdtempSync(join(tmpdir(), 'db-action-lint-'));
  roots.push(root);
  git(root, 'init', '-q', '-b', 'main');
  git(root, 'config', 'user.email', 'test@example.com');
  git(root, 'config', 'user.name', 'test');
  git(root, 'config', 'commit.gpgsign', 'false');
  write(root, { 'README.md': 'x\n', ...base });
  git(root, 'add', '-A');
  git(root, 'commit', '-q', '-m', 'base');
  git(root, 'checkout', '-q', '-b', 'feature');
  if (Object.keys(committed).length > 0) {
    write(root, committed);
    git(root, 'add', '-A');
    git(root, 'commit', '-q', '-m', 'change');
  }
  write(root, uncommitted);
  return root;
}

async function run(root: string, options: Partial<LintOptions> = {}): Promise<LintReport> {
  return lint({
    dir: 'db/migrations',
    format: 'plain',
    cwd: root,
    base: 'main',
    devUrl: testServerUrl(),
    devProvider: 'url',
    logger: new MemoryLogger(),
    rules: probes,
    ...options,
  });
}

const BASE = {
  'db/migrations/10_users.sql': 'CREATE TABLE users (id int PRIMARY KEY, email text NOT NULL);\n',
  'db/migrations/20_orders.sql':
    'CREATE TABLE orders (\n  id int PRIMARY KEY,\n  user_id int REFERENCES users(id)\n);\nCREATE VIEW order_users AS SELECT o.id, u.email FROM orders o JOIN users u ON u.id = o.user_id;\n',
};

afterAll(() => {
  for (const r of roots) rmSync(r, { recursive: true, force: true });
});

describe('selecting new migrations', () => {
  it('treats files added since the merge base (committed or untracked) as new, the rest as base', async () => {
    const root = repo(
      BASE,
      { 'db/migrations/30_add_name.sql': 'ALTER TABLE users ADD COLUMN name text;\n' },
      { 'db/migrations/40_add_total.sql': 'ALTER TABLE orders ADD COLUMN total numeric;\n' },
    );
    const report = await run(root);
    expect(report.baseCount).toBe(2);
    expect(report.newCount).toBe(2);
    expect(report.files.map((f) => f.file)).toEqual([
      'db/migrations/30_add_name.sql',
      'db/migrations/40_add_total.sql',
    ]);
    expect(report.files.every((f) => f.status === 'new')).toBe(true);
    expect(report.dir).toBe('db/migrations');
    expect(report.devDatabase.provider).toBe('url');
    expect(report.devDatabase.serverVersionNum).toBeGreaterThanOrEqual(120000);
    // ADD COLUMN locks a pre-existing table: the probe sees the real lock
    expect(report.findings.map((f) => [f.file, f.line, f.rule])).toEqual([
      ['db/migrations/30_add_name.sql', 1, 'probe-lock'],
      ['db/migrations/40_add_total.sql', 1, 'probe-lock'],
    ]);
    expect(report.files[0]?.statements[0]?.locks).toContainEqual({
      relation: 'public.users',
      mode: 'AccessExclusiveLock',
    });
  });

  it('flags an edited base migration as history-modified at its first changed line and does not trace it', async () => {
    const root = repo(
      BASE,
      {},
      {
        'db/migrations/20_orders.sql': BASE['db/migrations/20_orders.sql'].replace('  user_id int', '  user_id bigint'),
        'db/migrations/30_x.sql': 'SELECT 1;\n',
      },
    );
    const report = await run(root);
    const hm = report.findings.filter((f) => f.category === 'history-modified');
    expect(hm).toHaveLength(1);
    expect(hm[0]).toMatchObject({
      file: 'db/migrations/20_orders.sql',
      line: 3,
      rule: 'history-modified',
      severity: 'error',
    });
    expect(report.files.map((f) => f.file)).toEqual(['db/migrations/30_x.sql']);
    expect(report.failed).toBe(true); // history-modified is in the default fail-on
  });

  it('line endings or a BOM changed only: not an edit (apply accepts it, its checksum is the same)', async () => {
    const crlf = BASE['db/migrations/20_orders.sql'].replace(/\n/g, '\r\n');
    const root = repo(
      BASE,
      {},
      { 'db/migrations/20_orders.sql': `\uFEFF${crlf}`, 'db/migrations/30_x.sql': 'SELECT 1;\n' },
    );
    const report = await run(root);
    expect(report.findings.filter((f) => f.category === 'history-modified')).toEqual([]);
    expect(report.baseCount).toBe(2);
    expect(report.failed).toBe(false);
  });

  it('replays an edited base migration in its base-branch version (what databases really ran)', async () => {
    const root = repo(
      BASE,
      {},
      {
        'db/migrations/10_users.sql': 'CREATE TABLE users (id int PRIMARY KEY, email text NOT NULL, name text);\n',
        'db/migrations/30_name.sql': 'ALTER TABLE users ADD COLUMN name text;\n',
      },
    );
    const report = await run(root);
    expect(report.findings.map((f) => `${f.file}:${f.line} ${f.category}`)).toEqual([
      'db/migrations/10_users.sql:1 history-modified',
      'db/migrations/30_name.sql:1 blocking-lock',
    ]);
  });

  it('flags a new migration that sorts before the newest base migration as out-of-order', async () => {
    const root = repo(BASE, { 'db/migrations/15_between.sql': 'CREATE TABLE tags (id int);\n' });
    const report = await run(root);
    const ooo = report.findings.filter((f) => f.category === 'out-of-order');
    expect(ooo).toHaveLength(1);
    expect(ooo[0]).toMatchObject({ file: 'db/migrations/15_between.sql', line: 1, severity: 'warning' });
    expect(ooo[0]?.message).toContain('db/migrations/20_orders.sql');
    expect(report.failed).toBe(false); // out-of-order is not in the default fail-on
    // it is still traced (after the base files)
    expect(report.files[0]?.statements).toHaveLength(1);
  });

  it('an edited flyway repeatable migration is traced again, not flagged as history-modified', async () => {
    const root = repo({
      'db/migrations/V1__users.sql': 'CREATE TABLE users (id int PRIMARY KEY, email text);\n',
      'db/migrations/R__views.sql': 'CREATE OR REPLACE VIEW user_ids AS SELECT id FROM users;\n',
    });
    write(root, { 'db/migrations/R__views.sql': 'CREATE OR REPLACE VIEW user_ids AS SELECT id, email FROM users;\n' });
    const report = await run(root, { format: 'flyway' });
    expect(report.findings.filter((f) => f.category === 'history-modified')).toEqual([]);
    expect(report.files.map((f) => f.file)).toEqual(['db/migrations/R__views.sql']);
    expect(report.files[0]?.statements[0]?.error).toBeUndefined();
  });

  it('with latest: N treats the last N as new, outside any git repository', async () => {
    const root = mkdtempSync(join(tmpdir(), 'db-action-nogit-'));
    roots.push(root);
    write(root, { ...BASE, 'db/migrations/30_drop.sql': 'DROP VIEW order_users;\n' });
    const report = await run(root, { base: undefined, latest: 1 });
    expect(report.baseCount).toBe(2);
    expect(report.files.map((f) => f.file)).toEqual(['db/migrations/30_drop.sql']);
    expect(report.findings.map((f) => f.message)).toEqual(['drops view public.order_users']);
  });

  it('with nothing new it starts no dev database and still reports history edits', async () => {
    const root = repo(BASE, {}, { 'db/migrations/10_users.sql': '-- edited\n' + BASE['db/migrations/10_users.sql'] });
    const report = await run(root, { devUrl: 'postgres://nobody@127.0.0.1:1/none' });
    expect(report.newCount).toBe(0);
    expect(report.devDatabase.provider).toBe('none');
    expect(report.findings.map((f) => `${f.file}:${f.line} ${f.rule}`)).toEqual([
      'db/migrations/10_users.sql:1 history-modified',
    ]);
  });

  it('without base or latest it is a DbActionError with a hint', async () => {
    const root = repo(BASE);
    const err = await run(root, { base: undefined, latest: undefined }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DbActionError);
    expect((err as DbActionError).hint).toMatch(/base/);
  });

  it('an unknown base ref is a DbActionError naming fetch-depth', async () => {
    const root = repo(BASE);
    const err = await run(root, { base: 'origin/nope' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DbActionError);
    expect((err as DbActionError).hint).toMatch(/fetch-depth/);
  });
});

describe('tracing new migrations', () => {
  it('sees CASCADE victims and DROPs done by dynamic SQL through the catalog diff', async () => {
    const root = repo(BASE, {
      'db/migrations/30_cascade.sql': 'DROP TABLE users CASCADE;\n',
      'db/migrations/40_dynamic.sql': "DO $$\nBEGIN\n  EXECUTE 'DROP TABLE ' || quote_ident('orders');\nEND\n$$;\n",
    });
    const report = await run(root);
    const msgs = report.findings
      .filter((f) => f.rule === 'probe-dropped')
      .map((f) => `${f.file}:${f.line} ${f.message}`);
    expect(msgs).toEqual(
      expect.arrayContaining([
        'db/migrations/30_cascade.sql:1 drops table public.users',
        'db/migrations/30_cascade.sql:1 drops view public.order_users',
        'db/migrations/40_dynamic.sql:1 drops table public.orders',
        'db/migrations/40_dynamic.sql:1 drops column public.orders.user_id',
      ]),
    );
    expect(report.failed).toBe(true);
  });

  it('does not flag objects created earlier in the same change, even when re-created under an old name', async () => {
    const root = repo(BASE, {
      'db/migrations/30_new.sql': 'CREATE TABLE tmp_import (id int);\nALTER TABLE tmp_import ADD COLUMN v text;\n',
      'db/migrations/40_cleanup.sql':
        'DROP TABLE tmp_import;\nDROP VIEW order_users;\nCREATE VIEW order_users AS SELECT 1 AS x;\nDROP VIEW order_users;\n',
    });
    const report = await run(root);
    expect(report.findings.map((f) => `${f.file}:${f.line} ${f.rule} ${f.message}`)).toEqual([
      'db/migrations/40_cleanup.sql:2 probe-dropped drops view public.order_users',
    ]);
  });

  it('reports a failing statement as apply-error at its line and stops tracing', async () => {
    const root = repo(BASE, {
      'db/migrations/30_bad.sql':
        '-- adds things\nALTER TABLE users ADD COLUMN a int;\n\nALTER TABLE users\n  ADD COLUMN b int REFERENCES missing(id);\nALTER TABLE users ADD COLUMN c int;\n',
      'db/migrations/40_after.sql': 'ALTER TABLE users ADD COLUMN d int;\n',
    });
    const report = await run(root);
    const errs = report.findings.filter((f) => f.category === 'apply-error');
    expect(errs).toHaveLength(1);
    expect(errs[0]).toMatchObject({ file: 'db/migrations/30_bad.sql', line: 4, endLine: 5, severity: 'error' });
    expect(errs[0]?.message).toMatch(/relation "missing" does not exist.*42P01/);
    const [bad, after] = report.files;
    expect(bad?.statements.map((s) => s.line)).toEqual([2, 4]);
    expect(bad?.statements[1]?.error).toMatch(/42P01/);
    expect(after?.statements).toEqual([]);
    expect(after?.note).toMatch(/30_bad\.sql failed/);
    expect(report.failed).toBe(true);
  });

  it('reports a failing base migration as apply-error and traces nothing', async () => {
    const root = repo(
      { ...BASE, 'db/migrations/25_broken.sql': 'SELECT 1;\nINSERT INTO nowhere VALUES (1);\n' },
      { 'db/migrations/30_x.sql': 'ALTER TABLE users ADD COLUMN a int;\n' },
    );
    const report = await run(root);
    expect(report.findings).toHaveLength(1);
    expect(report.findings[0]).toMatchObject({ file: 'db/migrations/25_broken.sql', line: 2, category: 'apply-error' });
    expect(report.files[0]?.statements).toEqual([]);
    expect(report.files[0]?.note).toMatch(/25_broken\.sql/);
  });

  it('skips explicit BEGIN/COMMIT written in a new file and traces the statements between', async () => {
    const root = repo(BASE, { 'db/migrations/30_tx.sql': 'BEGIN;\nALTER TABLE users ADD COLUMN a int;\nCOMMIT;\n' });
    const report = await run(root);
    const st = report.files[0]?.statements ?? [];
    expect(st.map((s) => [s.line, s.kind, s.note === undefined])).toEqual([
      [1, 'TransactionStmt', false],
      [2, 'AlterTableStmt', true],
      [3, 'TransactionStmt', false],
    ]);
    expect(st[1]?.locks).toContainEqual({ relation: 'public.users', mode: 'AccessExclusiveLock' });
    expect(report.findings.map((f) => `${f.line} ${f.rule}`)).toEqual(['2 probe-lock']);
  });

  it('runs CREATE INDEX CONCURRENTLY outside a transaction', async () => {
    const root = repo(BASE, {
      'db/migrations/30_idx.sql': 'CREATE INDEX CONCURRENTLY users_email_idx ON users (email);\n',
    });
    const report = await run(root);
    const s = report.files[0]?.statements[0];
    expect(s).toMatchObject({ transactional: false, locks: [] });
    expect(s?.error).toBeUndefined();
  });
});

describe('built-in rules', () => {
  it('judge traced statements: drops, CASCADE victims, dynamic drops and a rewrite; new objects are exempt', async () => {
    const root = repo(BASE, {
      'db/migrations/30_change.sql': [
        'CREATE TABLE audit (id int, note text);',
        'ALTER TABLE audit ALTER COLUMN id TYPE bigint;',
        'DROP TABLE audit;',
        'ALTER TABLE users ADD COLUMN score float8 NOT NULL DEFAULT random();',
        'DROP TABLE orders CASCADE;',
        "DO $$ BEGIN EXECUTE 'DROP TABLE users'; END $$;",
        '',
      ].join('\n'),
    });
    const report = await run(root, { rules: undefined });
    const byLine = new Map<number, string[]>();
    for (const f of report.findings) byLine.set(f.line, [...(byLine.get(f.line) ?? []), `${f.category}/${f.rule}`]);
    // lines 1-3 touch a table created in the same change: nothing
    expect([1, 2, 3].flatMap((l) => byLine.get(l) ?? [])).toEqual([]);
    expect(byLine.get(4)).toEqual(expect.arrayContaining(['table-rewrite/table-rewrite']));
    expect(byLine.get(5)).toEqual(expect.arrayContaining(['destructive/drop-table']));
    expect((byLine.get(5) ?? []).some((r) => r.startsWith('destructive/') && r !== 'destructive/drop-table')).toBe(
      true,
    );
    expect((byLine.get(6) ?? []).some((r) => r.startsWith('destructive/'))).toBe(true);
    expect(report.failed).toBe(true);
  });
});

describe('built-in rules: the safe path', () => {
  it('SET NOT NULL after a validated CHECK (c IS NOT NULL) is not reported; without it, it is', async () => {
    const root = repo(
      {
        ...BASE,
        'db/migrations/25_checks.sql':
          'ALTER TABLE orders ADD CONSTRAINT user_id_not_null CHECK (user_id IS NOT NULL) NOT VALID;\nALTER TABLE orders VALIDATE CONSTRAINT user_id_not_null;\nALTER TABLE users ADD COLUMN name text;\n',
      },
      {
        'db/migrations/30_not_null.sql':
          'ALTER TABLE orders ALTER COLUMN user_id SET NOT NULL;\nALTER TABLE users ALTER COLUMN name SET NOT NULL;\n',
      },
    );
    const report = await run(root, { rules: undefined });
    expect(report.findings.filter((f) => f.rule === 'set-not-null').map((f) => f.line)).toEqual([2]);
  });
});

describe('configuration', () => {
  // Two files: statement 1 takes the AccessExclusiveLock on users too (the foreign key), and within one file's
  // transaction a lock already held is credited to the statement that took it first.
  const DROP = {
    'db/migrations/30_drop.sql': '-- db-action:nolint blocking-lock\nALTER TABLE orders DROP COLUMN user_id CASCADE;\n',
    'db/migrations/31_drop.sql': 'ALTER TABLE users DROP COLUMN email;\n',
  };

  it('honours nolint directives by category or rule id, and bare nolint silences everything', async () => {
    const root = repo(BASE, DROP);
    const report = await run(root);
    // statement 1: the lock finding is silenced by category, the drops (column + CASCADE view) stay; statement 2: both stay
    expect(report.findings.map((f) => `${f.file.slice(-11)}:${f.line} ${f.rule}`)).toEqual([
      '30_drop.sql:2 probe-dropped',
      '30_drop.sql:2 probe-dropped',
      '31_drop.sql:1 probe-dropped',
      '31_drop.sql:1 probe-lock',
    ]);

    const root2 = repo(BASE, {
      'db/migrations/30_drop.sql': '-- db-action:nolint\nALTER TABLE orders DROP COLUMN user_id CASCADE;\n',
      'db/migrations/31_drop.sql': '-- squawk-ignore probe-dropped\nALTER TABLE users DROP COLUMN email;\n',
    });
    const report2 = await run(root2);
    expect(report2.findings.map((f) => `${f.file.slice(-11)}:${f.line} ${f.rule}`)).toEqual([
      '31_drop.sql:2 probe-lock',
    ]);
  });

  it('fails by default on destructive findings; fail-on changes the threshold', async () => {
    const root = repo(BASE, DROP);
    expect((await run(root)).failed).toBe(true);
    expect((await run(root, { failOn: ['apply-error'] })).failed).toBe(false);
    expect((await run(root, { failOn: ['warning'] })).failed).toBe(true);
  });

  it('severities override by rule id or category; off removes findings', async () => {
    const root = repo(BASE, DROP);
    const r1 = await run(root, { severities: { 'probe-dropped': 'notice' } });
    expect(r1.findings.filter((f) => f.rule === 'probe-dropped').map((f) => f.severity)).toEqual([
      'notice',
      'notice',
      'notice',
    ]);
    expect(r1.failed).toBe(true); // category destructive is still in fail-on
    const r2 = await run(root, { severities: { destructive: 'off' }, failOn: ['error'] });
    expect(r2.findings.map((f) => f.rule)).toEqual(['probe-lock']);
    expect(r2.failed).toBe(false);
  });

  it('rejects unknown fail-on entries and severities', async () => {
    const root = repo(BASE);
    await expect(run(root, { failOn: ['bogus' as never] })).rejects.toBeInstanceOf(DbActionError);
    await expect(run(root, { severities: { x: 'fatal' as never } })).rejects.toBeInstanceOf(DbActionError);
  });
});
