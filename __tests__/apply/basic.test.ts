import { randomBytes } from 'node:crypto';

import { ApplyConfigurationError, apply, isConfigurationError, status } from '../../src/apply/index.js';
import { withClient } from '../../src/db/client.js';
import type { DbActionError } from '../../src/errors.js';
import { MemoryLogger } from '../../src/logger.js';
import { testServerUrl } from '../helpers/pg.js';
import { applyTestBed, exists, historyRows, rows, TempDir } from './fixtures.js';

const bed = applyTestBed('apply');
const base = bed.base;

describe('apply', () => {
  it('applies pending migrations once, records history, and a second run is a no-op', async () => {
    bed.dir.write({
      '1_users.sql': 'CREATE TABLE users (id int PRIMARY KEY);\n',
      '2_posts.sql':
        'CREATE TABLE posts (id int PRIMARY KEY, user_id int REFERENCES users);\nINSERT INTO users VALUES (1);\n',
    });
    const r = await apply(base());
    expect(r.error).toBeUndefined();
    expect(r.ok).toBe(true);
    expect(r.appliedCount).toBe(2);
    expect(r.pendingCount).toBe(0);
    expect(r.currentVersion).toBe('2');
    expect(r.migrations.map((m) => [m.file, m.status])).toEqual([
      ['1_users.sql', 'applied'],
      ['2_posts.sql', 'applied'],
    ]);
    const h = await historyRows(bed.db.url);
    expect(h.map((x) => [x.key, x.status])).toEqual([
      ['1', 'applied'],
      ['2', 'applied'],
    ]);
    expect(h[0]!.applied_by).toMatch(/^postgres \(/);
    expect(h[0]!.execution_ms).toBeGreaterThanOrEqual(0);

    const again = await apply(base());
    expect(again.ok).toBe(true);
    expect(again.appliedCount).toBe(0);
    expect(again.migrations).toEqual([]);
    expect(again.currentVersion).toBe('2');
    expect(await rows(bed.db.url, 'SELECT * FROM users')).toHaveLength(1);

    const s = await status(base());
    expect(s.ok).toBe(true);
    expect(s.migrations.map((m) => m.state)).toEqual(['applied', 'applied']);
    expect(await exists(bed.db.url, 'posts')).toBe(true);
  });
});

describe('validation', () => {
  it('refuses an applied migration that was edited, naming the file, and runs nothing', async () => {
    bed.dir.write({ '1_a.sql': 'CREATE TABLE a (id int);\n' });
    expect((await apply(base())).ok).toBe(true);
    bed.dir.write({ '1_a.sql': 'CREATE TABLE a (id int, x int);\n', '2_b.sql': 'CREATE TABLE b (id int);\n' });
    const r = await apply(base());
    expect(r.ok).toBe(false);
    expect(r.error?.message).toMatch(
      /^edited after it was applied to this database \(checksum applied [0-9a-f]{12}…, file now [0-9a-f]{12}…\)$/,
    );
    expect((r.error as { file?: string }).file).toBe('1_a.sql');
    // the path once, in front (`file: message`)
    expect((r.error as DbActionError).format()).toMatch(/^1_a\.sql: edited after it was applied to this database \(/);
    expect((r.error as DbActionError).format().match(/1_a\.sql/g)).toHaveLength(1);
    expect(await exists(bed.db.url, 'b')).toBe(false);
    const s = await status(base());
    expect(s.migrations.map((m) => m.state)).toEqual(['checksum-mismatch', 'pending']);
  });

  it('accepts a change of line endings only (CRLF) and a BOM', async () => {
    bed.dir.write({ '1_a.sql': 'CREATE TABLE a (id int);\nCREATE TABLE a2 (id int);\n' });
    expect((await apply(base())).ok).toBe(true);
    bed.dir.write({ '1_a.sql': '\uFEFFCREATE TABLE a (id int);\r\nCREATE TABLE a2 (id int);\r\n' });
    const r = await apply(base());
    expect(r.error).toBeUndefined();
    expect(r.appliedCount).toBe(0);
  });

  it('refuses a pending migration that sorts before the latest applied one, unless allowOutOfOrder', async () => {
    bed.dir.write({ '1_a.sql': 'CREATE TABLE a (id int);\n', '3_c.sql': 'CREATE TABLE c (id int);\n' });
    expect((await apply(base())).ok).toBe(true);
    bed.dir.write({ '2_b.sql': 'CREATE TABLE b (id int);\n' });
    const refused = await apply(base());
    expect(refused.ok).toBe(false);
    expect(refused.error?.message).toMatch(/2_b\.sql sorts before the latest applied version 3/);
    expect(await exists(bed.db.url, 'b')).toBe(false);
    const allowed = await apply({ ...base(), allowOutOfOrder: true });
    expect(allowed.error).toBeUndefined();
    expect(allowed.appliedCount).toBe(1);
    expect(allowed.warnings.join('\n')).toMatch(/out of order/);
    expect(await exists(bed.db.url, 'b')).toBe(true);
    expect(allowed.currentVersion).toBe('3');
  });

  it('refuses a directory whose atlas.sum does not match, before connecting', async () => {
    bed.dir.write({
      '1_a.sql': 'CREATE TABLE a (id int);\n',
      'atlas.sum': 'h1:bm90IHRoZSBzdW0=\n1_a.sql h1:bm90IHRoZSBzdW0=\n',
    });
    const r = await apply({ ...base(), format: 'atlas' });
    expect(r.ok).toBe(false);
    expect(r.error?.message).toMatch(/atlas\.sum does not match/);
    expect((r.error as { file?: string }).file).toBe('atlas.sum');
    expect(await exists(bed.db.url, 'a')).toBe(false);
  });

  it('warns about applied migrations missing from the directory', async () => {
    bed.dir.write({ '1_a.sql': 'CREATE TABLE a (id int);\n', '2_b.sql': 'CREATE TABLE b (id int);\n' });
    expect((await apply(base())).ok).toBe(true);
    bed.dir.remove();
    bed.dir = new TempDir();
    bed.dir.write({ '1_a.sql': 'CREATE TABLE a (id int);\n' });
    const r = await apply(base());
    expect(r.ok).toBe(true);
    expect(r.warnings.join('\n')).toMatch(/applied migration 2 .* not in the directory/);
    const s = await status(base());
    expect(s.migrations.map((m) => m.state)).toEqual(['applied', 'missing-file']);
  });

  it('a failed transactional migration whose file was removed (the PR reverted) is a warning, not a block', async () => {
    bed.dir.write({
      '1_a.sql': 'CREATE TABLE a (id int);\n',
      '2_bad.sql': 'CREATE TABLE b (id int);\nINSERT INTO b SELECT nope FROM a;\n',
    });
    expect((await apply(base())).ok).toBe(false);
    expect((await historyRows(bed.db.url)).map((h) => [h.key, h.status, h.statements_done])).toEqual([
      ['1', 'applied', 0],
      ['2', 'failed', 0],
    ]);
    bed.dir.remove();
    bed.dir = new TempDir();
    bed.dir.write({ '1_a.sql': 'CREATE TABLE a (id int);\n', '3_c.sql': 'CREATE TABLE c (id int);\n' });
    const s = await status(base());
    expect(s.ok).toBe(true);
    expect(s.applyWouldRefuse).toBeUndefined();
    expect(s.migrations.map((m) => [m.version, m.state])).toEqual([
      ['1', 'applied'],
      ['3', 'pending'],
      ['2', 'missing-file'],
    ]);
    const r = await apply(base());
    expect(r.error).toBeUndefined();
    expect(r.migrations.map((m) => [m.file, m.status])).toEqual([['3_c.sql', 'applied']]);
    expect(r.warnings).toEqual([
      `the history records version 2 (2_bad.sql) as failed, and that file is no longer in the directory; nothing of it was applied (rolled back), so it is ignored: DELETE FROM "db_action"."schema_migrations" WHERE key = '2' removes the row`,
    ]);
    expect(s.warnings).toEqual(r.warnings);
    expect(await exists(bed.db.url, 'c')).toBe(true);
  });

  it('a non-transactional migration that failed part way and whose file is gone: refused, the hint names the real table; status says so', async () => {
    const opts = { historyTable: 'ops.log' };
    bed.dir.write({
      '1_a.sql': 'CREATE TABLE a (id int);\n',
      '2_nt.sql': '-- db-action:tx-mode none\nCREATE TABLE b (id int);\nCREATE TABLE b2 (id int);\nSELECT 1/0;\n',
    });
    expect((await apply({ ...base(), ...opts })).ok).toBe(false);
    bed.dir.remove();
    bed.dir = new TempDir();
    bed.dir.write({ '1_a.sql': 'CREATE TABLE a (id int);\n', '3_c.sql': 'CREATE TABLE c (id int);\n' });
    const r = await apply({ ...base(), ...opts });
    expect(r.ok).toBe(false);
    expect(r.error?.message).toBe(
      'the history records version 2 (2_nt.sql) as failed, partly applied (2 statements run outside a transaction stay applied), and that file is no longer in the directory',
    );
    expect((r.error as DbActionError).hint).toMatch(/DELETE FROM "ops"\."log" WHERE key = '2'$/);
    expect(await exists(bed.db.url, 'c')).toBe(false);
    const s = await status({ ...base(), ...opts });
    expect(s.ok).toBe(false);
    expect(s.applyWouldRefuse).toMatch(/^the history records version 2 \(2_nt\.sql\) as failed, partly applied/);
    expect(s.applyWouldRefuse).toMatch(/hint: .*DELETE FROM "ops"\."log" WHERE key = '2'/);
  });
});

describe('privileges', () => {
  it('a role without CREATE on the database: what apply was doing, what to grant, history-table; dry-run says so first', async () => {
    const role = `ro_${randomBytes(4).toString('hex')}`;
    const server = testServerUrl();
    await withClient(server, (c) => c.query(`CREATE ROLE ${role} LOGIN PASSWORD 'ro-pw'`));
    try {
      // no CREATE anywhere for PUBLIC (PostgreSQL 15's default for the public schema, made explicit)
      await rows(bed.db.url, 'REVOKE CREATE ON SCHEMA public FROM PUBLIC');
      const u = new URL(bed.db.url);
      u.username = role;
      u.password = 'ro-pw';
      const asRole = { ...base(), databaseUrl: u.toString() };
      bed.dir.write({ '1_a.sql': 'SELECT 1;\n' });

      const logger = new MemoryLogger();
      const dry = await apply({ ...asRole, logger, dryRun: true });
      expect(dry.error).toBeUndefined();
      expect(logger.text()).toContain(
        'the history table db_action.schema_migrations does not exist yet: apply would create it (and its schema db_action) (dry run: not created)',
      );
      expect(dry.warnings.join('\n')).toMatch(
        new RegExp(
          `^apply would fail: could not create the history table db_action\\.schema_migrations: creating its schema db_action needs the CREATE privilege on database ${bed.db.name}, which role ${role} does not have; hint: `,
        ),
      );

      const r = await apply(asRole);
      expect(r.ok).toBe(false);
      expect(isConfigurationError(r.error)).toBe(true);
      expect(r.error?.message).toBe(
        `could not create the history table db_action.schema_migrations: creating its schema db_action needs the CREATE privilege on database ${bed.db.name}, which role ${role} does not have (permission denied for database ${bed.db.name})`,
      );
      const hint = (r.error as DbActionError).hint ?? '';
      expect(hint).toContain(`GRANT CREATE ON DATABASE "${bed.db.name}" TO "${role}"`);
      expect(hint).toContain(`CREATE SCHEMA "db_action" AUTHORIZATION "${role}"`);
      expect(hint).toMatch(/set history-table \(--history-table\) to a table in a schema/);

      // the schema exists, but the role may not even look into it
      await rows(bed.db.url, 'CREATE SCHEMA db_action');
      const noUsage = await apply(asRole);
      expect(isConfigurationError(noUsage.error)).toBe(true);
      expect(noUsage.error?.message).toBe(
        `could not use the history table db_action.schema_migrations: role ${role} has no USAGE privilege on its schema db_action (permission denied for schema db_action)`,
      );
      expect((noUsage.error as DbActionError).hint).toContain(`GRANT USAGE, CREATE ON SCHEMA "db_action" TO "${role}"`);
      // ... or look into it, but not create in it
      await rows(bed.db.url, `GRANT USAGE ON SCHEMA db_action TO ${role}`);
      const inSchema = await apply(asRole);
      expect(inSchema.error?.message).toMatch(
        /creating a table in schema db_action needs the CREATE privilege on it, which role .* \(permission denied for schema db_action\)$/,
      );
      expect((inSchema.error as DbActionError).hint).toContain(`GRANT CREATE ON SCHEMA "db_action" TO "${role}"`);

      // a schema the role owns: the hint names it, and history-table there works
      await rows(bed.db.url, `CREATE SCHEMA own AUTHORIZATION ${role}`);
      const named = await apply(asRole);
      expect((named.error as DbActionError).hint).toMatch(/e\.g\. own\.schema_migrations$/);
      const ok = await apply({ ...asRole, historyTable: 'own.schema_migrations' });
      expect(ok.error).toBeUndefined();
      expect((await historyRows(bed.db.url, 'own.schema_migrations')).map((h) => h.key)).toEqual(['1']);
    } finally {
      await bed.db.drop();
      await withClient(server, (c) => c.query(`DROP ROLE IF EXISTS ${role}`));
    }
  });
});

describe('modes', () => {
  it('dry-run plans and writes nothing, not even the history schema', async () => {
    bed.dir.write({
      '1_a.sql': 'CREATE TABLE a (id int);\n',
      '2_b.sql': 'CREATE INDEX CONCURRENTLY b_idx ON a (id);\n',
    });
    const r = await apply({ ...base(), dryRun: true });
    expect(r.error).toBeUndefined();
    expect(r.dryRun).toBe(true);
    expect(r.appliedCount).toBe(0);
    expect(r.pendingCount).toBe(2);
    expect(r.migrations.map((m) => [m.file, m.status, m.transactional])).toEqual([
      ['1_a.sql', 'pending', true],
      ['2_b.sql', 'pending', false],
    ]);
    expect(await rows(bed.db.url, "SELECT 1 FROM pg_namespace WHERE nspname = 'db_action'")).toHaveLength(0);
    expect(await exists(bed.db.url, 'a')).toBe(false);
    // with an existing history, dry-run reads it
    expect((await apply(base())).appliedCount).toBe(2);
    bed.dir.write({ '3_c.sql': 'CREATE TABLE c (id int);\n' });
    const r2 = await apply({ ...base(), dryRun: true });
    expect(r2.migrations.map((m) => m.file)).toEqual(['3_c.sql']);
    expect(await exists(bed.db.url, 'c')).toBe(false);
  });

  it('verify runs transactional files in a transaction and rolls back; non-transactional ones are skipped', async () => {
    bed.dir.write({
      '1_a.sql': 'CREATE TABLE a (id int);\n',
      '2_b.sql': 'CREATE INDEX CONCURRENTLY a_idx ON a (id);\n',
      '3_c.sql': 'CREATE TABLE c (id int REFERENCES a (id));\n',
    });
    const r = await apply({ ...base(), verify: true });
    // 3_c references a(id) which has no unique index: verification finds the real error
    expect(r.ok).toBe(false);
    expect(r.migrations.map((m) => m.status)).toEqual(['verified', 'skipped', 'failed']);
    expect(r.error?.message).toMatch(/there is no unique constraint/);
    expect((r.error as { file?: string; line?: number }).file).toBe('3_c.sql');
    expect((r.error as { line?: number }).line).toBe(1);
    bed.dir.write({ '3_c.sql': 'CREATE TABLE c (id int);\n' });
    const ok = await apply({ ...base(), verify: true });
    expect(ok.error).toBeUndefined();
    expect(ok.migrations.map((m) => m.status)).toEqual(['verified', 'skipped', 'verified']);
    expect(ok.appliedCount).toBe(0);
    expect(ok.pendingCount).toBe(3);
    expect(await exists(bed.db.url, 'a')).toBe(false);
    expect(await exists(bed.db.url, 'db_action.schema_migrations')).toBe(false);
  });

  it('baseline records migrations up to a version without running them, then applies the rest', async () => {
    bed.dir.write({
      '1_a.sql': 'CREATE TABLE a (id int);\n',
      '2_b.sql': 'CREATE TABLE b (id int);\n',
      '3_c.sql': 'CREATE TABLE c (id int);\n',
    });
    await rows(bed.db.url, 'CREATE TABLE a (id int); CREATE TABLE b (id int)');
    const r = await apply({ ...base(), baseline: '2' });
    expect(r.error).toBeUndefined();
    expect(r.migrations.map((m) => [m.version, m.status])).toEqual([
      ['1', 'baseline'],
      ['2', 'baseline'],
      ['3', 'applied'],
    ]);
    expect(r.appliedCount).toBe(1);
    expect(r.currentVersion).toBe('3');
    expect((await historyRows(bed.db.url)).map((h) => [h.key, h.status])).toEqual([
      ['1', 'baseline'],
      ['2', 'baseline'],
      ['3', 'applied'],
    ]);
    const s = await status(base());
    expect(s.migrations.map((m) => m.state)).toEqual(['baseline', 'baseline', 'applied']);
  });

  it('refuses a baseline that is not the version of a migration (before connecting): nothing recorded, nothing run', async () => {
    const versions = ['20240101000000', '20240102000000', '20240103000000', '20240105000000', '20240201000000'];
    const files: Record<string, string> = {};
    for (const v of [...versions, '20240401000000']) files[`${v}_m.sql`] = `CREATE TABLE t_${v} (id int);\n`;
    bed.dir.write(files);
    // the audit's examples: in between (ran all 6), other spellings (baselined all 6, later ones too)
    for (const [baseline, closest] of [
      ['20240105', /closest: 20240105000000\)/],
      ['2024-01-03', /closest: 20240103000000\)/],
      ['v3', /closest: /],
      ['abc', /closest: 20240401000000\)/],
    ] as const) {
      for (const mode of [{}, { dryRun: true }]) {
        const r = await apply({ ...base(), ...mode, baseline });
        expect(r.ok).toBe(false);
        expect(r.error).toBeInstanceOf(ApplyConfigurationError);
        expect(isConfigurationError(r.error)).toBe(true);
        expect(r.error?.message).toMatch(
          new RegExp(
            `^baseline version "${baseline}" is not the version of a migration in the directory \\(the directory has 6 versioned migrations, 20240101000000 … 20240401000000; `,
          ),
        );
        expect(r.error?.message).toMatch(closest);
        expect((r.error as DbActionError).hint).toMatch(/exact version .* the later ones are applied in the same run/);
        expect(r.migrations).toEqual([]);
        expect(r.appliedCount).toBe(0);
      }
    }
    expect(await rows(bed.db.url, "SELECT 1 FROM pg_namespace WHERE nspname = 'db_action'")).toHaveLength(0);
    expect(await rows(bed.db.url, "SELECT 1 FROM pg_class WHERE relname LIKE 't\\_%'")).toHaveLength(0);

    // the exact version: recorded up to and including it, the later ones applied, and the log says both
    const logger = new MemoryLogger();
    const ok = await apply({ ...base(), logger, baseline: '20240105000000' });
    expect(ok.error).toBeUndefined();
    expect(ok.migrations.map((m) => m.status)).toEqual([
      'baseline',
      'baseline',
      'baseline',
      'baseline',
      'applied',
      'applied',
    ]);
    expect(logger.text()).toContain(
      'baseline 20240105000000: recorded 4 migration(s) up to and including it as applied without running them; now applying the 2 later pending migration(s) in this run',
    );
    expect(await exists(bed.db.url, 't_20240105000000')).toBe(false);
    expect(await exists(bed.db.url, 't_20240201000000')).toBe(true);
  });

  it('refuses dry-run and verify together (dry-run would silently drop verify)', async () => {
    bed.dir.write({ '1_a.sql': 'CREATE TABLE a (id int);\n' });
    const r = await apply({ ...base(), dryRun: true, verify: true });
    expect(r.ok).toBe(false);
    expect(isConfigurationError(r.error)).toBe(true);
    expect(r.error?.message).toBe('dry-run and verify cannot be combined');
    expect(r.migrations).toEqual([]);
  });

  it('refuses a history-table that exists but is not a db-action history table, naming it, and runs nothing', async () => {
    await rows(bed.db.url, 'CREATE TABLE public.a (id int)');
    bed.dir.write({ '1_b.sql': 'CREATE TABLE b (id int);\n' });
    for (const mode of [{}, { dryRun: true }, { verify: true }]) {
      const r = await apply({ ...base(), ...mode, historyTable: 'public.a' });
      expect(r.ok).toBe(false);
      expect(r.error?.name).toBe('DbActionError');
      expect(r.error?.message).toMatch(/^the history table public\.a exists but is not a db-action history table/);
      expect((r.error as { hint?: string }).hint).toMatch(/choose another history-table/);
    }
    const s = await status({ ...base(), historyTable: 'a' });
    expect(s.ok).toBe(false);
    expect(s.error?.message).toMatch(/public\.a exists but is not a db-action history table/);
    expect(await exists(bed.db.url, 'b')).toBe(false);
    expect(await rows(bed.db.url, 'SELECT count(*)::int AS n FROM public.a')).toEqual([{ n: 0 }]);
  });

  it('keeps history in a configurable table', async () => {
    bed.dir.write({ '1_a.sql': 'CREATE TABLE a (id int);\n' });
    const r = await apply({ ...base(), historyTable: 'ops.migration_log' });
    expect(r.error).toBeUndefined();
    expect((await historyRows(bed.db.url, 'ops.migration_log')).map((h) => h.key)).toEqual(['1']);
    expect(await exists(bed.db.url, 'db_action.schema_migrations')).toBe(false);
  });
});

describe('execution', () => {
  it('reports a failing statement with file, line, column and SQLSTATE, rolls the file back, records the failure, and a fixed rerun applies it', async () => {
    bed.dir.write({
      '1_a.sql': 'CREATE TABLE a (id int);\n',
      '2_b.sql': '-- comment\nCREATE TABLE b (id int);\n\nINSERT INTO b\n  SELECT nope FROM a;\n',
      '3_c.sql': 'CREATE TABLE c (id int);\n',
    });
    const logger = new MemoryLogger();
    const r = await apply({ ...base(), logger });
    expect(r.ok).toBe(false);
    const e = r.error as Error & { file?: string; line?: number; column?: number; hint?: string };
    expect(e.file).toBe('2_b.sql');
    expect(e.line).toBe(5);
    expect(e.column).toBe(10);
    expect(e.message).toMatch(/column "nope" does not exist \[SQLSTATE 42703\]/);
    expect(e.hint).toMatch(/rolled back/);
    expect(r.migrations.map((m) => m.status)).toEqual(['applied', 'failed', 'pending']);
    expect(r.appliedCount).toBe(1);
    expect(r.pendingCount).toBe(2);
    expect(r.currentVersion).toBe('1');
    expect(await exists(bed.db.url, 'b')).toBe(false);
    const h = await historyRows(bed.db.url);
    expect(h.map((x) => [x.key, x.status])).toEqual([
      ['1', 'applied'],
      ['2', 'failed'],
    ]);
    expect(h[1]!.error).toMatch(/2_b\.sql:5:10/);
    expect(h[1]!.failed_statement).toBe(1);
    expect((await status(base())).migrations.map((m) => m.state)).toEqual(['applied', 'failed', 'pending']);

    bed.dir.write({ '2_b.sql': '-- comment\nCREATE TABLE b (id int);\n\nINSERT INTO b\n  SELECT id FROM a;\n' });
    const logger2 = new MemoryLogger();
    const again = await apply({ ...base(), logger: logger2 });
    expect(again.error).toBeUndefined();
    expect(again.appliedCount).toBe(2);
    expect(logger2.text()).toMatch(/2_b\.sql: a previous run failed .*retrying it from scratch/);
    expect((await historyRows(bed.db.url)).map((x) => x.status)).toEqual(['applied', 'applied', 'applied']);
  });

  it('a syntax error in a batched file: the files before it apply, the error names its line, nothing after runs', async () => {
    const files: Record<string, string> = {};
    for (let v = 1; v <= 6; v++) files[`${v}_m.sql`] = `CREATE TABLE t${v} (id int);\n`;
    files['4_m.sql'] = 'CREATE TABLE t4 (id int);\n\nCREATE TABLE t4b (id int,);\n';
    bed.dir.write(files);
    const r = await apply(base());
    expect(r.ok).toBe(false);
    const e = r.error as Error & { file?: string; line?: number };
    expect([e.file, e.line]).toEqual(['4_m.sql', 3]);
    expect(e.message).toMatch(/syntax error/);
    expect(r.migrations.map((m) => m.status)).toEqual([
      'applied',
      'applied',
      'applied',
      'failed',
      'pending',
      'pending',
    ]);
    expect((await historyRows(bed.db.url)).map((h) => [h.key, h.status])).toEqual([
      ['1', 'applied'],
      ['2', 'applied'],
      ['3', 'applied'],
      ['4', 'failed'],
    ]);
    expect(await exists(bed.db.url, 't5')).toBe(false);
  });

  it("records each batched file's own execution time (not the time since the batch started)", async () => {
    bed.dir.write({
      '1_a.sql': 'SELECT pg_sleep(0.3);\n',
      '2_b.sql': 'SELECT pg_sleep(0.3);\n',
      '3_c.sql': 'SELECT pg_sleep(0.3);\n',
    });
    const r = await apply(base());
    expect(r.error).toBeUndefined();
    const h = await historyRows(bed.db.url);
    for (const x of h) {
      expect(x.execution_ms).toBeGreaterThanOrEqual(290);
      expect(x.execution_ms).toBeLessThan(600);
    }
    for (const m of r.migrations) expect(m.durationMs).toBeLessThan(600);
  });

  it("a file that does not parse stops the run when it is reached, with the parser's line", async () => {
    bed.dir.write({
      '1_a.sql': 'CREATE TABLE a (id int);\n',
      '2_b.sql': 'CREATE TABLE b (id int);\n',
      '3_idx.sql': '-- index\nCREATE INDEX CONCURRENTLY a_id ON a (id;\n',
    });
    const r = await apply(base());
    expect(r.ok).toBe(false);
    const e = r.error as Error & { file?: string; line?: number };
    expect([e.file, e.line]).toEqual(['3_idx.sql', 2]);
    expect(r.migrations.map((m) => m.status)).toEqual(['applied', 'applied', 'failed']);
  });

  it('dbmate files: only the up section runs, errors carry the line in the file', async () => {
    bed.dir.write({
      '20240101000000_a.sql': '-- migrate:up\nCREATE TABLE a (id int);\n\n-- migrate:down\nDROP TABLE a;\n',
      '20240102000000_b.sql':
        '-- migrate:up\nCREATE TABLE b (id int);\nINSERT INTO b SELECT nope FROM a;\n-- migrate:down\nDROP TABLE b;\n',
    });
    const r = await apply({ ...base(), format: 'dbmate' });
    expect(r.ok).toBe(false);
    const e = r.error as Error & { file?: string; line?: number; column?: number };
    expect([e.file, e.line, e.column]).toEqual(['20240102000000_b.sql', 3, 22]);
    expect(await exists(bed.db.url, 'a')).toBe(true);
  });

  it('locates errors without a position (constraint violations) at their statement, without rerunning anything', async () => {
    bed.dir.write({
      '1_a.sql': 'CREATE TABLE a (id int PRIMARY KEY);\nINSERT INTO a VALUES (1);\n\nINSERT INTO a VALUES (1);\n',
    });
    const r = await apply(base());
    expect(r.ok).toBe(false);
    const e = r.error as Error & { file?: string; line?: number };
    expect([e.file, e.line]).toEqual(['1_a.sql', 4]);
    expect(e.message).toMatch(/statement 3 .*duplicate key.*\[SQLSTATE 23505\]/);
    expect(await exists(bed.db.url, 'a')).toBe(false);
  });

  it('a DO block that commits by itself: the hint says how to run the file without a transaction', async () => {
    bed.dir.write({ '1_a.sql': 'CREATE TABLE a (id int);\nDO $$ BEGIN INSERT INTO a VALUES (1); COMMIT; END $$;\n' });
    const r = await apply(base());
    expect(r.ok).toBe(false);
    expect((r.error as { line?: number }).line).toBe(2);
    expect(r.error?.message).toMatch(/SQLSTATE 2D000/);
    expect((r.error as { hint?: string }).hint).toMatch(/db-action:tx-mode none/);
    bed.dir.write({
      '1_a.sql':
        '-- db-action:tx-mode none\nCREATE TABLE a (id int);\nDO $$ BEGIN INSERT INTO a VALUES (1); COMMIT; END $$;\n',
    });
    const ok = await apply(base());
    expect(ok.error).toBeUndefined();
    expect(await rows(bed.db.url, 'SELECT id FROM a')).toEqual([{ id: 1 }]);
  });

  it("PostgreSQL's hint joins ours without '.;'; an enum value used where it is added: move ADD VALUE to its own migration", async () => {
    bed.dir.write({
      '1_t.sql': "CREATE TYPE mood AS ENUM ('sad');\n",
      '2_use.sql': "ALTER TYPE mood ADD VALUE 'happy';\nSELECT 'happy'::mood;\n",
    });
    const r = await apply(base());
    expect(r.error?.message).toMatch(/unsafe use of new value "happy".*\[SQLSTATE 55P04\]/);
    const hint = (r.error as DbActionError).hint ?? '';
    expect(hint).toMatch(
      /^a value added by ALTER TYPE … ADD VALUE cannot be used in the transaction that adds it: move the ALTER TYPE … ADD VALUE into its own migration, ordered before the one that uses the value/,
    );
    expect(hint).not.toContain('.;');
    bed.dir.write({ '2_use.sql': 'SELECT no_such_function(1);\n' });
    const other = await apply(base());
    const otherHint = (other.error as DbActionError).hint ?? '';
    expect(otherHint).toMatch(
      /^No function matches the given name and argument types\. You might need to add explicit type casts; fix the statement/,
    );
    expect(otherHint).not.toContain('.;');
  });

  it('runs files with explicit BEGIN/COMMIT inside its own transaction (a later failure rolls back everything)', async () => {
    bed.dir.write({
      '1_a.sql': 'BEGIN;\nCREATE TABLE a (id int);\nCOMMIT;\nCREATE TABLE a2 (id int);\nSELECT 1/0;\n',
    });
    const logger = new MemoryLogger();
    const r = await apply({ ...base(), logger });
    expect(r.ok).toBe(false);
    expect((r.error as { line?: number }).line).toBe(5);
    expect(logger.text()).toMatch(/skipping 2 transaction control statement\(s\) .*lines 1, 3/);
    expect(await exists(bed.db.url, 'a')).toBe(false);
    bed.dir.write({ '1_a.sql': 'BEGIN;\nCREATE TABLE a (id int);\nCOMMIT;\nCREATE TABLE a2 (id int);\n' });
    const ok = await apply(base());
    expect(ok.error).toBeUndefined();
    expect(await exists(bed.db.url, 'a2')).toBe(true);
  });

  it('re-runs repeatable (flyway R__) migrations when their checksum changes, after the versioned ones', async () => {
    bed.dir.write({
      'V1__t.sql': 'CREATE TABLE t (id int);\nCREATE TABLE runs (n int);\n',
      'R__v.sql': 'CREATE OR REPLACE VIEW v AS SELECT id FROM t;\nINSERT INTO runs VALUES (1);\n',
    });
    const opts = { ...base(), format: 'flyway' as const };
    const r = await apply(opts);
    expect(r.error).toBeUndefined();
    expect(r.migrations.map((m) => m.file)).toEqual(['V1__t.sql', 'R__v.sql']);
    expect((await apply(opts)).appliedCount).toBe(0);
    bed.dir.write({
      'R__v.sql': 'CREATE OR REPLACE VIEW v AS SELECT id, id + 1 AS next FROM t;\nINSERT INTO runs VALUES (2);\n',
    });
    expect((await status(opts)).migrations.map((m) => m.state)).toEqual(['applied', 'outdated']);
    const again = await apply(opts);
    expect(again.error).toBeUndefined();
    expect(again.migrations.map((m) => [m.file, m.status])).toEqual([['R__v.sql', 'applied']]);
    expect(await rows(bed.db.url, 'SELECT n FROM runs ORDER BY n')).toEqual([{ n: 1 }, { n: 2 }]);
    expect((await historyRows(bed.db.url)).map((h) => h.key)).toEqual(['1', 'R:v']);
  });
});
