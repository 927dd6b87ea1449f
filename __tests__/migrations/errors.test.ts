import { afterAll, describe, expect, test } from '@jest/globals';
import { chmodSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { DbActionError } from '../../src/errors.js';
import { detectFormat, loadMigrationDirectory } from '../../src/migrations/index.js';
import { readUtf8File } from '../../src/migrations/read-text.js';
import { fixtureDir, rejection, removeFixtures } from './fixtures.js';

afterAll(removeFixtures);

describe('duplicate versions', () => {
  test('golang-migrate: 1 and 001 are the same integer version', async () => {
    const dir = fixtureDir({ '1_a.up.sql': 'SELECT 1;', '001_b.up.sql': 'SELECT 2;' });
    const err = await rejection(loadMigrationDirectory(dir));
    expect(err).toBeInstanceOf(DbActionError);
    expect(err.message).toContain('duplicate migration version');
    expect(err.message).toContain('001_b.up.sql');
    expect(err.message).toContain('1_a.up.sql');
    expect(err.file).toBe(path.join(dir, '1_a.up.sql').replace(/\\/g, '/'));
  });

  test('flyway: V1 and V1.0 are the same version', async () => {
    const dir = fixtureDir({ 'V1__a.sql': 'SELECT 1;', 'V1.0__b.sql': 'SELECT 2;' });
    const err = await rejection(loadMigrationDirectory(dir));
    expect(err.message).toMatch(
      /duplicate migration version .*V1\.0__b\.sql.*V1__a\.sql|duplicate migration version .*V1__a\.sql.*V1\.0__b\.sql/,
    );
  });

  test('flyway: two repeatables with one description', async () => {
    const dir = fixtureDir({ 'V1__a.sql': 'SELECT 1;', 'R__view.sql': 'SELECT 1;', 'sub/R__view.sql': 'SELECT 2;' });
    const err = await rejection(loadMigrationDirectory(dir));
    expect(err.message).toContain('duplicate repeatable migration "view"');
    expect(err.message).toContain('sub/R__view.sql');
  });

  test('diesel: dashed and undashed spellings of one version', async () => {
    const dir = fixtureDir({ '2017-01-01-000000_a/up.sql': 'SELECT 1;', '20170101000000_b/up.sql': 'SELECT 2;' });
    const err = await rejection(loadMigrationDirectory(dir));
    expect(err.message).toContain('duplicate migration version 20170101000000');
  });

  test('plain and dbmate', async () => {
    const plain = fixtureDir({ '2_a.sql': 'SELECT 1;', '02_b.sql': 'SELECT 2;' });
    expect((await rejection(loadMigrationDirectory(plain))).message).toContain('duplicate migration version');
    const dbmate = fixtureDir({ '1_a.sql': '-- migrate:up\nSELECT 1;\n', '1_b.sql': '-- migrate:up\nSELECT 2;\n' });
    expect((await rejection(loadMigrationDirectory(dbmate))).message).toContain('1_a.sql and 1_b.sql');
  });
});

describe('file contents', () => {
  test('a non-UTF-8 file is an error naming the file and line', async () => {
    const latin1 = Buffer.concat([Buffer.from("-- ok\nSELECT '"), Buffer.from([0xe9]), Buffer.from("';\n")]);
    const dir = fixtureDir({ '1_ok.up.sql': 'SELECT 1;', '2_bad.up.sql': latin1 });
    const err = await rejection(loadMigrationDirectory(dir));
    expect(err.message).toContain('not valid UTF-8');
    expect(err.file).toMatch(/2_bad\.up\.sql$/);
    expect(err.line).toBe(2);
  });

  test('a truncated multi-byte sequence at the end is invalid too', async () => {
    const dir = fixtureDir({ '1_x.up.sql': Buffer.concat([Buffer.from('SELECT 1; -- '), Buffer.from([0xe2, 0x82])]) });
    expect((await rejection(loadMigrationDirectory(dir))).message).toContain('not valid UTF-8 (byte offset 13)');
  });

  test('an unreadable file is an error naming it', async () => {
    const dir = fixtureDir({ '1_a.up.sql': 'SELECT 1;' });
    // A directory where a file is expected fails the read (EISDIR) even for root, who ignores file modes.
    const err = await rejection(readUtf8File(dir, 'migrations/1_a.up.sql'));
    expect(err.message).toBe('cannot read migration file (EISDIR)');
    expect(err.file).toBe('migrations/1_a.up.sql');
    if (process.getuid?.() !== 0) {
      chmodSync(path.join(dir, '1_a.up.sql'), 0o000);
      const denied = await rejection(loadMigrationDirectory(dir));
      expect(denied.message).toBe('cannot read migration file (EACCES)');
      expect(denied.file).toMatch(/1_a\.up\.sql$/);
    }
  });

  test('a folder named like the migration file is not a migration file', async () => {
    const dir = fixtureDir({ '1_a/up.sql': 'SELECT 1;', '2_b/up.sql/keep': 'x' });
    const err = await rejection(loadMigrationDirectory(dir, { format: 'diesel' }));
    expect(err.message).toContain('has no up.sql');
    expect(err.file).toMatch(/2_b$/);
  });
});

describe('detection', () => {
  test('an empty directory has no format', async () => {
    const dir = fixtureDir({ 'README.md': '# migrations' });
    const err = await rejection(detectFormat(dir));
    expect(err.message).toContain(`cannot tell the migration format of ${dir}: no migrations found`);
    expect(err.hint).toContain('--dir-format');
    expect(err.hint).toContain('golang-migrate');
  });

  test('only unrecognised .sql files: the message names them', async () => {
    const dir = fixtureDir({ 'schema.sql': 'SELECT 1;', 'seed.sql': 'SELECT 1;' });
    const err = await rejection(loadMigrationDirectory(dir));
    expect(err.message).toContain('match no known layout');
    expect(err.message).toContain('schema.sql');
  });

  test('mixed layouts are ambiguous and name an example of each', async () => {
    const dir = fixtureDir({ 'V1__init.sql': 'SELECT 1;', '2_next.up.sql': 'SELECT 1;' });
    const err = await rejection(loadMigrationDirectory(dir));
    expect(err.message).toContain('mixes layouts');
    expect(err.message).toContain('flyway: V1__init.sql');
    expect(err.message).toContain('golang-migrate: 2_next.up.sql');
    expect(err.hint).toContain('dir-format');
    // The override settles it (and then the stray file is reported).
    const forced = await rejection(loadMigrationDirectory(dir, { format: 'flyway' }));
    expect(forced.file).toMatch(/2_next\.up\.sql$/);
  });

  test('prisma folders beside diesel folders are ambiguous', async () => {
    const dir = fixtureDir({ '1_a/migration.sql': 'SELECT 1;', '2_b/up.sql': 'SELECT 1;' });
    expect((await rejection(detectFormat(dir))).message).toMatch(/prisma: 1_a\/migration\.sql; diesel: 2_b\/up\.sql/);
  });

  test('a missing directory and a file given as directory', async () => {
    const dir = fixtureDir({ '1_a.sql': 'SELECT 1;' });
    expect((await rejection(loadMigrationDirectory(path.join(dir, 'nope')))).message).toContain(
      'migration directory not found',
    );
    expect((await rejection(loadMigrationDirectory(path.join(dir, '1_a.sql')))).message).toContain(
      'is not a directory',
    );
  });

  test('an unknown format override', async () => {
    const dir = fixtureDir({ '1_a.sql': 'SELECT 1;' });
    const err = await rejection(loadMigrationDirectory(dir, { format: 'liquibase' as never }));
    expect(err.message).toContain('unknown migration directory format "liquibase"');
  });
});

describe('.sql files that would never run', () => {
  test('golang-migrate: a stray .sql is an error naming it (with the sqlx hint for numbered ones)', async () => {
    const dir = fixtureDir({
      '1_a.up.sql': 'SELECT 1;',
      '1_a.down.sql': 'SELECT 1;',
      '2_b.up.sql': 'SELECT 1;',
      'seed.sql': 'SELECT 1;',
    });
    const err = await rejection(loadMigrationDirectory(dir, { format: 'golang-migrate' }));
    expect(err.file).toMatch(/seed\.sql$/);
    expect(err.message).toContain('would never run');
    const numbered = fixtureDir({ '1_a.up.sql': 'SELECT 1;', '2_b.sql': 'SELECT 1;' });
    const err2 = await rejection(loadMigrationDirectory(numbered, { format: 'golang-migrate' }));
    expect(err2.file).toMatch(/2_b\.sql$/);
    expect(err2.hint).toContain('sqlx');
  });

  test('flyway: a misspelled prefix is an error; undo files and non-SQL files are not', async () => {
    const ok = fixtureDir({
      'V1__a.sql': 'SELECT 1;',
      'U1__a.sql': 'SELECT 1;',
      'V2__readme.md': '# x',
      'SOURCE.txt': 'x',
    });
    expect((await loadMigrationDirectory(ok)).migrations.map((m) => m.relPath)).toEqual(['V1__a.sql']);
    const bad = fixtureDir({ 'V1__a.sql': 'SELECT 1;', 'V2_b.sql': 'SELECT 1;' });
    const err = await rejection(loadMigrationDirectory(bad));
    expect(err.file).toMatch(/V2_b\.sql$/);
  });

  test('prisma and diesel: loose .sql files and folders without their file', async () => {
    const prisma = fixtureDir({
      'migration_lock.toml': 'provider = "postgresql"',
      '1_a/migration.sql': 'SELECT 1;',
      'data.sql': 'SELECT 1;',
    });
    expect((await rejection(loadMigrationDirectory(prisma))).file).toMatch(/data\.sql$/);
    const prismaEmpty = fixtureDir({ '1_a/migration.sql': 'SELECT 1;', '2_b/notes.txt': 'x' });
    const err = await rejection(loadMigrationDirectory(prismaEmpty));
    expect(err.message).toContain('has no migration.sql');
    expect(err.file).toMatch(/2_b$/);
    const diesel = fixtureDir({ '1_a/up.sql': 'SELECT 1;', '1_a/down.sql': 'SELECT 1;', '1_a/extra.sql': 'SELECT 1;' });
    expect((await rejection(loadMigrationDirectory(diesel))).file).toMatch(/1_a\/extra\.sql$/);
  });

  test('the ignore option leaves named files out', async () => {
    const dir = fixtureDir({ '1_a.up.sql': 'SELECT 1;', 'seed.sql': 'SELECT 1;', 'data/x.sql': 'SELECT 1;' });
    const d = await loadMigrationDirectory(dir, { ignore: ['seed.sql'] });
    expect(d.migrations.map((m) => m.relPath)).toEqual(['1_a.up.sql']);
    const diesel = fixtureDir({ '1_a/up.sql': 'SELECT 1;', 'data_oauth_github.sql': 'SELECT 1;' });
    expect((await loadMigrationDirectory(diesel, { ignore: ['*.sql'] })).migrations).toHaveLength(1);
  });
});

describe('dbmate sections', () => {
  test('a file without -- migrate:up', async () => {
    const dir = fixtureDir({ '1_a.sql': '-- migrate:up\nSELECT 1;\n', '2_b.sql': 'SELECT 2;\n' });
    const err = await rejection(loadMigrationDirectory(dir));
    expect(err.file).toMatch(/2_b\.sql$/);
    expect(err.message).toContain('SQL before its `-- migrate:up` line');
    const noMarker = fixtureDir({ '1_a.sql': '-- migrate:up\nSELECT 1;\n', '2_b.sql': '-- just a comment\n' });
    expect((await rejection(loadMigrationDirectory(noMarker))).message).toContain('has no `-- migrate:up` line');
  });

  test('a bad option value', async () => {
    const dir = fixtureDir({ '1_a.sql': '-- migrate:up transaction:maybe\nSELECT 1;\n' });
    const err = await rejection(loadMigrationDirectory(dir));
    expect(err.message).toContain('transaction must be true or false');
    expect(err.line).toBe(1);
  });
});

describe('paths in errors', () => {
  test('an absolute directory inside the working directory is named relative to it', async () => {
    const dir = fixtureDir({ '1_a.up.sql': 'SELECT 1;', 'seed.sql': 'SELECT 1;' });
    const cwd = process.cwd();
    process.chdir(path.dirname(dir));
    try {
      const err = await rejection(loadMigrationDirectory(dir));
      expect(err.file).toBe(`${path.basename(dir)}/seed.sql`);
      const d = await loadMigrationDirectory(dir, { ignore: ['seed.sql'] });
      expect(d.dir).toBe(dir);
      expect(d.migrations[0]!.absPath).toBe(path.join(dir, '1_a.up.sql'));
    } finally {
      process.chdir(cwd);
    }
  });
});

describe('flyway sub-directories', () => {
  test('a symlink loop is reported, not followed forever', async () => {
    const dir = fixtureDir({ 'V1__a.sql': 'SELECT 1;' });
    symlinkSync(dir, path.join(dir, 'loop'));
    const err = await rejection(loadMigrationDirectory(dir, { format: 'flyway' }));
    expect(err.message).toContain('symlink loop');
  });
});
