import { describe, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { detectFormat, loadMigrationDirectory } from '../../src/migrations/index.js';
import type { MigrationDirectory } from '../../src/migrations/types.js';
import { corpus } from './corpus-path.js';

const names = (d: MigrationDirectory) => d.migrations.map((m) => m.relPath);
const indexOf = (d: MigrationDirectory, relPath: string) => {
  const i = names(d).indexOf(relPath);
  expect(i).toBeGreaterThanOrEqual(0);
  return i;
};

describe('corpus: trigger-dev-prisma', () => {
  test('is Prisma with 820 migrations in folder-name order, loaded fast', async () => {
    const dir = corpus('trigger-dev-prisma');
    expect(await detectFormat(dir)).toBe('prisma');
    const started = performance.now();
    const d = await loadMigrationDirectory(dir);
    const elapsed = performance.now() - started;
    expect(d.format).toBe('prisma');
    expect(d.migrations).toHaveLength(820);
    expect(elapsed).toBeLessThan(1000);
    const first = d.migrations[0]!;
    expect(first.relPath).toBe('20221206131204_init/migration.sql');
    expect(first.version).toBe('20221206131204_init');
    expect(first.name).toBe('init');
    expect(first.absPath).toBe(path.join(dir, '20221206131204_init', 'migration.sql'));
    const dirs = d.migrations.map((m) => m.version);
    expect(dirs).toEqual([...dirs].sort());
    // Every file is one unit run from line 1.
    expect(
      d.migrations.every(
        (m) => m.upStartLine === 1 && m.upSql === m.content && !m.repeatable && m.transaction === 'auto',
      ),
    ).toBe(true);
    expect(d.atlasSum).toBeUndefined();
  });
});

describe('corpus: crates-io-diesel', () => {
  test('is Diesel with 285 migrations ordered by version with dashes removed', async () => {
    const dir = corpus('crates-io-diesel');
    expect(await detectFormat(dir)).toBe('diesel');
    const d = await loadMigrationDirectory(dir);
    expect(d.migrations).toHaveLength(285);
    expect(d.migrations[0]!.relPath).toBe('00000000000000_diesel_initial_setup/up.sql');
    // Mixed names: 2017-08-31-230457_invitations (version 20170831230457) sorts between 201708xx-style
    // versions by its numeric value, not lexically after every 2017… name.
    const invitations = d.migrations.find((m) => m.relPath === '2017-08-31-230457_invitations/up.sql')!;
    expect(invitations.version).toBe('20170831230457');
    const versions = d.migrations.map((m) => m.version);
    expect(versions).toEqual([...versions].sort());
    expect(versions.every((v) => /^\d+$/.test(v))).toBe(true);
    // The replay trap from SOURCE.txt: emails is created before tokens move into it.
    const moveTokens = indexOf(d, '2017-09-23-182408_move_tokens_to_emails_table/up.sql');
    const createsEmails = d.migrations.findIndex((m) => /CREATE TABLE\s+emails/i.test(m.content));
    expect(createsEmails).toBeGreaterThanOrEqual(0);
    expect(createsEmails).toBeLessThan(moveTokens);
    // A folder name with spaces.
    const spaced = d.migrations.find(
      (m) => m.relPath === '2019-11-15-182353_Add email notifications to crate owners/up.sql',
    )!;
    expect(spaced.version).toBe('20191115182353');
    expect(spaced.name).toBe('Add email notifications to crate owners');
    // metadata.toml run_in_transaction = false: exactly the 7 folders that have it.
    const none = d.migrations.filter((m) => m.transaction === 'none').map((m) => path.dirname(m.relPath));
    expect(none).toHaveLength(7);
    expect(none).toContain('2024-10-25-112826_make-unique-version-unique');
    for (const folder of none) {
      expect(readFileSync(path.join(dir, folder, 'metadata.toml'), 'utf8')).toMatch(/run_in_transaction\s*=\s*false/);
    }
  });
});

describe('corpus: openmeter-atlas', () => {
  test('is golang-migrate with 269 up files in numeric order and a verified atlas.sum', async () => {
    const dir = corpus('openmeter-atlas');
    expect(await detectFormat(dir)).toBe('golang-migrate');
    const d = await loadMigrationDirectory(dir);
    expect(d.format).toBe('golang-migrate');
    expect(d.migrations).toHaveLength(269);
    expect(d.migrations.every((m) => m.relPath.endsWith('.up.sql'))).toBe(true);
    expect(d.migrations[0]!.relPath).toBe('20240826120919_init.up.sql');
    expect(d.migrations[0]!.version).toBe('20240826120919');
    expect(d.migrations[0]!.name).toBe('init');
    const versions = d.migrations.map((m) => BigInt(m.version));
    for (let i = 1; i < versions.length; i++) expect(versions[i]! > versions[i - 1]!).toBe(true);
    expect(d.atlasSum).toEqual({ ok: true, problems: [] });
    // atlas.sum lists the same files in the same order.
    const listed = readFileSync(path.join(dir, 'atlas.sum'), 'utf8')
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => l.split(' ')[0]);
    expect(listed).toEqual(names(d));
  });
});

describe('corpus: marquez-flyway', () => {
  test('is Flyway with 84 migrations: numeric versions, then repeatables by description', async () => {
    const dir = corpus('marquez-flyway');
    expect(await detectFormat(dir)).toBe('flyway');
    const d = await loadMigrationDirectory(dir);
    expect(d.migrations).toHaveLength(84);
    expect(d.migrations[0]!.relPath).toBe('V1__initial_schema.sql');
    expect(indexOf(d, 'V9__alter_sources_to_drop_composite_unique_constraint.sql')).toBeLessThan(
      indexOf(d, 'V10__drop_unique_constraint_on_job_name.sql'),
    );
    expect(indexOf(d, 'V2__add_job_contexts.sql')).toBeLessThan(
      indexOf(d, 'V2.1__alter_job_versions_to_add_job_context_uuid.sql'),
    );
    expect(indexOf(d, 'V2.1__alter_job_versions_to_add_job_context_uuid.sql')).toBeLessThan(
      indexOf(d, 'V3__drop_not_null_constraint_on_job_location.sql'),
    );
    expect(indexOf(d, 'V17.2__open_lineage.sql')).toBe(indexOf(d, 'V17.1__unique_version_constraint.sql') + 1);
    expect(
      d.migrations.find((m) => m.relPath === 'V2.1__alter_job_versions_to_add_job_context_uuid.sql')!.version,
    ).toBe('2.1');
    // R__ files last, sorted by description, version R.
    expect(names(d).slice(-3)).toEqual([
      'R__Datasets_view.sql',
      'R__Jobs_view_and_rewrite_function.sql',
      'R__Runs_view.sql',
    ]);
    expect(d.migrations.slice(-3).every((m) => m.repeatable && m.version === 'R')).toBe(true);
    expect(d.migrations.slice(0, -3).every((m) => !m.repeatable)).toBe(true);
    expect(names(d)).not.toContain('SOURCE.txt');
  });
});

describe('corpus: measure-dbmate', () => {
  test('is dbmate with 72 migrations in file-name order, up sections only', async () => {
    const dir = corpus('measure-dbmate');
    expect(await detectFormat(dir)).toBe('dbmate');
    const d = await loadMigrationDirectory(dir);
    expect(d.migrations).toHaveLength(72);
    expect(names(d)).toEqual([...names(d)].sort());
    const roles = d.migrations[0]!;
    expect(roles.relPath).toBe('20240830075257_create_roles_table.sql');
    expect(roles.version).toBe('20240830075257');
    // The up section ends without `;` and stops before -- migrate:down.
    expect(roles.upSql).not.toMatch(/migrate:(up|down)/);
    expect(roles.upSql.trim().endsWith(';')).toBe(false);
    const lines = roles.content.split('\n');
    expect(lines[roles.upStartLine - 2]).toMatch(/^--\s*migrate:up/);
    expect(roles.upSql.startsWith(lines[roles.upStartLine - 1]!)).toBe(true);
    // The *.sql.sql file loads, in place.
    const apps = d.migrations.find((m) => m.relPath === '20240830081828_create_apps_table.sql.sql')!;
    expect(apps.version).toBe('20240830081828');
    expect(apps.upSql).toMatch(/create table/i);
    expect(indexOf(d, '20240830080707_create_teams_table.sql')).toBeLessThan(indexOf(d, apps.relPath));
    for (const m of d.migrations) {
      expect(m.upSql).not.toMatch(/^--\s*migrate:down/m);
      expect(m.content).toContain(m.upSql);
    }
  });
});

describe('corpus: docs-rs-sqlx', () => {
  test('has the .up.sql layout with 33 migrations; comment-only files load fine', async () => {
    const dir = corpus('docs-rs-sqlx');
    // No sqlx-only signal in the files: the shared layout is reported as golang-migrate …
    expect(await detectFormat(dir)).toBe('golang-migrate');
    const auto = await loadMigrationDirectory(dir);
    // … and the sqlx override reads the same migrations.
    const d = await loadMigrationDirectory(dir, { format: 'sqlx' });
    expect(d.format).toBe('sqlx');
    expect(names(d)).toEqual(names(auto));
    expect(d.migrations).toHaveLength(33);
    expect(d.migrations[0]!.relPath).toBe('20231021111635_initial.up.sql');
    const commentOnly = d.migrations.find(
      (m) => m.relPath === '20240221114302_ensure_no_buildless_releases_exist.up.sql',
    )!;
    expect(commentOnly.content.split('\n').every((l) => l.trim() === '' || l.trim().startsWith('--'))).toBe(true);
    expect(commentOnly.upSql).toBe(commentOnly.content);
    expect(d.migrations.some((m) => m.relPath === '20251220165302_remove-files.up.sql')).toBe(true);
    const versions = d.migrations.map((m) => BigInt(m.version));
    for (let i = 1; i < versions.length; i++) expect(versions[i]! > versions[i - 1]!).toBe(true);
  });
});
