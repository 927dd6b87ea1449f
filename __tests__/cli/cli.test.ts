import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { main } from '../../src/cli.js';
import type { CliIo } from '../../src/cli/io.js';
import { createTestDatabase } from '../helpers/pg.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const corpus = resolve(repoRoot, '../shared/corpus');

function io(cwd: string, env: NodeJS.ProcessEnv = {}): CliIo & { out: string; err: string } {
  const o = {
    out: '',
    err: '',
    env,
    cwd,
    isTTY: false,
    stdout(t: string) {
      o.out += t;
    },
    stderr(t: string) {
      o.err += t;
    },
  };
  return o;
}

describe('db-action CLI', () => {
  it('--help lists the commands', async () => {
    const t = io(repoRoot);
    expect(await main(['--help'], t)).toBe(0);
    expect(t.out).toMatch(/lint\s+replay the migrations/);
    expect(t.out).toMatch(/apply\s+apply pending migrations/);
    expect(t.out).toMatch(/status\s+list the migrations/);
  });

  it('status --help lists its options', async () => {
    const t = io(repoRoot);
    expect(await main(['status', '--help'], t)).toBe(0);
    expect(t.out).toContain('--dir <dir>');
    expect(t.out).toContain('--dir-format <format>');
  });

  it('unknown commands and options exit 2 with a hint, no stack', async () => {
    const t = io(repoRoot);
    expect(await main(['deploy'], t)).toBe(2);
    expect(t.err).toContain("unknown command 'deploy'");
    const u = io(repoRoot);
    expect(await main(['status', '--frobnicate'], u)).toBe(2);
    expect(u.err).toMatch(/--frobnicate/);
    expect(u.err).toContain('db-action status --help');
    expect(u.err).not.toMatch(/\n\s+at /);
  });

  it('status --dir lists a corpus in apply order with its format', async () => {
    const t = io(repoRoot);
    expect(await main(['status', '--dir', join(corpus, 'marquez-flyway')], t)).toBe(0);
    expect(t.out).toMatch(/84 migration\(s\), format flyway/);
    const lines = t.out.split('\n');
    const v9 = lines.findIndex((l) => /^9\s/.test(l));
    const v10 = lines.findIndex((l) => /^10\s/.test(l));
    const r = lines.findIndex((l) => /R__Datasets_view\.sql/.test(l));
    expect(v9).toBeGreaterThan(0);
    expect(v10).toBeGreaterThan(v9);
    expect(r).toBeGreaterThan(v10);
  });

  it('status --json reports every migration with checksum and transaction mode', async () => {
    const t = io(repoRoot);
    expect(await main(['status', '--json', '--dir', join(corpus, 'crates-io-diesel')], t)).toBe(0);
    const json = JSON.parse(t.out) as { format: string; migrations: { transaction: string; checksum: string }[] };
    expect(json.format).toBe('diesel');
    expect(json.migrations).toHaveLength(285);
    expect(json.migrations.filter((m) => m.transaction === 'none')).toHaveLength(7);
    expect(json.migrations.every((m) => /^[0-9a-f]{64}$/.test(m.checksum))).toBe(true);
  });

  it('a missing directory and an unknown format are clear errors (exit 2)', async () => {
    const t = io(repoRoot);
    expect(await main(['status', '--dir', 'no/such/dir'], t)).toBe(2);
    expect(t.err).toMatch(/no\/such\/dir/);
    const u = io(repoRoot);
    expect(await main(['status', '--dir', 'examples/migrations', '--dir-format', 'liquibase'], u)).toBe(2);
    expect(u.err).toMatch(/unknown directory format 'liquibase'/);
    expect(u.err).toMatch(/hint: use one of: auto, plain/);
  });

  it('apply without a database says what to do', async () => {
    const t = io(repoRoot);
    expect(await main(['apply', '--dir', 'examples/migrations'], t)).toBe(2);
    expect(t.err).toMatch(/no database to apply to/);
    expect(t.err).toMatch(/DATABASE_URL/);
  });

  it('apply, then status against the database, and a bad password never printed', async () => {
    const db = await createTestDatabase();
    try {
      const dir = mkdtempSync(join(tmpdir(), 'cli-apply-'));
      mkdirSync(join(dir, 'migrations'));
      writeFileSync(join(dir, 'migrations', '1_a.sql'), 'create table a (id int);\n');
      writeFileSync(join(dir, 'migrations', '2_b.sql'), 'create table b (id int);\n');
      const dry = io(dir, { DATABASE_URL: db.url });
      expect(await main(['apply', '--dry-run'], dry)).toBe(0);
      expect(dry.out).toMatch(/dry run: 0 applied, 2 pending/);
      const run = io(dir, { DATABASE_URL: db.url });
      expect(await main(['apply'], run)).toBe(0);
      expect(run.out).toMatch(/2 applied, 0 pending, current version 2/);
      const st = io(dir, { DATABASE_URL: db.url });
      expect(await main(['status'], st)).toBe(0);
      expect(st.out).toMatch(/2 applied, 0 pending/);
      expect(st.out).toMatch(/^1\s+a\s+applied/m);

      const url = new URL(db.url);
      url.password = 'Wr0ng-S3cret-pw';
      // a failed login is a configuration error: exit 2 from apply as from status (README "Exit codes")
      for (const command of ['apply', 'status']) {
        const bad = io(dir, {});
        const code = await main([command, '--url', url.toString()], bad);
        expect(code).toBe(2);
        expect(bad.out + bad.err).not.toContain('Wr0ng-S3cret-pw');
        expect(bad.err).toMatch(/password authentication failed/);
      }
    } finally {
      await db.drop();
    }
  });

  it('apply --baseline: a version that is not a migration exits 2 and writes nothing; the exact one says what it did', async () => {
    const db = await createTestDatabase();
    try {
      const dir = mkdtempSync(join(tmpdir(), 'cli-baseline-'));
      mkdirSync(join(dir, 'migrations'));
      for (const v of ['20240101000000', '20240105000000', '20240201000000'])
        writeFileSync(join(dir, 'migrations', `${v}_m.sql`), `create table t_${v} (id int);\n`);
      const bad = io(dir, { DATABASE_URL: db.url });
      expect(await main(['apply', '--baseline', '20240105'], bad)).toBe(2);
      expect(bad.err).toMatch(
        /^db-action: baseline version "20240105" is not the version of a migration in the directory \(.*closest: 20240105000000\); nothing was recorded or run$/m,
      );
      expect(bad.out).toBe('');
      const empty = io(dir, { DATABASE_URL: db.url });
      expect(await main(['status'], empty)).toBe(0);
      expect(empty.out).toMatch(/^no history table yet: 3 pending/);

      const ok = io(dir, { DATABASE_URL: db.url });
      expect(await main(['apply', '--baseline', '20240105000000'], ok)).toBe(0);
      expect(ok.out).toContain(
        'baseline: 2 migration(s) up to and including 20240105000000 recorded as applied without running them; 1 of the 1 later one(s) applied in this run',
      );
      expect(ok.err).toContain('now applying the 1 later pending migration(s) in this run');
    } finally {
      await db.drop();
    }
  });

  it('apply --verify --dry-run is refused (exit 2) instead of silently dropping --verify', async () => {
    const t = io(repoRoot, { DATABASE_URL: 'postgres://u:p@127.0.0.1:1/db' });
    expect(await main(['apply', '--dir', 'examples/migrations', '--verify', '--dry-run'], t)).toBe(2);
    expect(t.err).toMatch(/^db-action: --verify and --dry-run cannot be combined\n {2}hint: /);
    expect(t.out).toBe('');
  });

  it('status says when apply would refuse (an applied migration edited since), exit 1', async () => {
    const db = await createTestDatabase();
    try {
      const dir = mkdtempSync(join(tmpdir(), 'cli-refuse-'));
      mkdirSync(join(dir, 'migrations'));
      writeFileSync(join(dir, 'migrations', '1_a.sql'), 'create table a (id int);\n');
      expect(await main(['apply'], io(dir, { DATABASE_URL: db.url }))).toBe(0);
      writeFileSync(join(dir, 'migrations', '1_a.sql'), 'create table a (id bigint);\n');
      const st = io(dir, { DATABASE_URL: db.url });
      expect(await main(['status'], st)).toBe(1);
      expect(st.out).toMatch(
        /^apply would refuse to run: migrations\/1_a\.sql: edited after it was applied to this database \(checksum applied /m,
      );
      const json = io(dir, { DATABASE_URL: db.url });
      expect(await main(['status', '--json'], json)).toBe(1);
      expect((JSON.parse(json.out) as { applyWouldRefuse?: string }).applyWouldRefuse).toMatch(/edited after/);
    } finally {
      await db.drop();
    }
  });
});
