import { afterAll, describe, expect, test } from '@jest/globals';
import { compareVersions, detectFormat, loadMigrationDirectory } from '../../src/migrations/index.js';
import type { MigrationDirectory } from '../../src/migrations/types.js';
import { fixtureDir, removeFixtures } from './fixtures.js';

afterAll(removeFixtures);

const order = (d: MigrationDirectory) => d.migrations.map((m) => m.relPath);

describe('compareVersions', () => {
  test('integer formats compare numerically at any length', () => {
    expect(compareVersions('golang-migrate', '9', '10')).toBeLessThan(0);
    expect(compareVersions('sqlx', '10', '9')).toBeGreaterThan(0);
    expect(compareVersions('plain', '001', '1')).toBe(0);
    // Beyond 2^64: no precision loss.
    expect(compareVersions('golang-migrate', '184467440737095516160', '184467440737095516161')).toBeLessThan(0);
  });

  test('flyway compares dotted parts numerically, R last', () => {
    expect(compareVersions('flyway', '9', '10')).toBeLessThan(0);
    expect(compareVersions('flyway', '1.1', '1.10')).toBeLessThan(0);
    expect(compareVersions('flyway', '1.10', '1.9')).toBeGreaterThan(0);
    expect(compareVersions('flyway', '2', '2.1')).toBeLessThan(0);
    expect(compareVersions('flyway', '1', '1.0')).toBe(0);
    expect(compareVersions('flyway', 'R', '999')).toBeGreaterThan(0);
    expect(compareVersions('flyway', '999', 'R')).toBeLessThan(0);
  });

  test('string formats compare as strings', () => {
    expect(compareVersions('diesel', '9', '10')).toBeGreaterThan(0);
    expect(compareVersions('dbmate', '20240101', '20240102')).toBeLessThan(0);
    expect(compareVersions('prisma', '20240101_b', '20240101_a')).toBeGreaterThan(0);
    expect(compareVersions('atlas', 'x', 'x')).toBe(0);
  });
});

describe('plain and atlas', () => {
  test('plain numbered files run in integer order; down files are skipped', async () => {
    const d = await loadMigrationDirectory(
      fixtureDir({ '10_c.sql': 'SELECT 10;', '9_b.sql': 'SELECT 9;', '1.sql': 'SELECT 1;', '3_x.down.sql': 'x' }),
    );
    expect(d.format).toBe('plain');
    expect(order(d)).toEqual(['1.sql', '9_b.sql', '10_c.sql']);
    expect(d.migrations.map((m) => [m.version, m.name])).toEqual([
      ['1', ''],
      ['9', 'b'],
      ['10', 'c'],
    ]);
  });

  test('with atlas.sum the format is atlas and order is by file name, as Atlas sorts', async () => {
    const dir = fixtureDir({ '10_c.sql': 'SELECT 10;', '9_b.sql': 'SELECT 9;', 'atlas.sum': 'h1:x\n' });
    expect(await detectFormat(dir)).toBe('atlas');
    const d = await loadMigrationDirectory(dir);
    expect(order(d)).toEqual(['10_c.sql', '9_b.sql']);
    expect(d.atlasSum?.ok).toBe(false);
  });
});

describe('golang-migrate and sqlx', () => {
  test('up files in integer order, down files ignored', async () => {
    const d = await loadMigrationDirectory(
      fixtureDir({
        '10_c.up.sql': 'SELECT 10;',
        '10_c.down.sql': '',
        '9_b.up.sql': 'SELECT 9;',
        '9_b.down.sql': '',
        '0001_a.up.sql': 'SELECT 1;',
      }),
    );
    expect(d.format).toBe('golang-migrate');
    expect(order(d)).toEqual(['0001_a.up.sql', '9_b.up.sql', '10_c.up.sql']);
    expect(d.migrations[0]!.name).toBe('a');
  });

  test('sqlx: detected from `-- no-transaction`, which also marks the file; plain files allowed', async () => {
    const dir = fixtureDir({
      '1_a.up.sql': 'CREATE TABLE a (id int);',
      '1_a.down.sql': 'DROP TABLE a;',
      '2_idx.up.sql': '-- no-transaction\nCREATE INDEX CONCURRENTLY i ON a (id);',
      '3_simple.sql': 'SELECT 3;',
    });
    expect(await detectFormat(dir)).toBe('sqlx');
    const d = await loadMigrationDirectory(dir);
    expect(order(d)).toEqual(['1_a.up.sql', '2_idx.up.sql', '3_simple.sql']);
    expect(d.migrations.map((m) => m.transaction)).toEqual(['auto', 'none', 'auto']);
    expect(d.migrations.map((m) => m.name)).toEqual(['a', 'idx', 'simple']);
  });

  test('golang-migrate ignores a `-- no-transaction` comment when forced', async () => {
    const dir = fixtureDir({ '1_a.up.sql': '-- no-transaction\nSELECT 1;' });
    const d = await loadMigrationDirectory(dir, { format: 'golang-migrate' });
    expect(d.migrations[0]!.transaction).toBe('auto');
  });
});

describe('flyway', () => {
  test('versions with _ separators, sub-directories, repeatables by description', async () => {
    const dir = fixtureDir({
      'V1_1__b.sql': 'SELECT 11;',
      'V1__a.sql': 'SELECT 1;',
      'sub/V1.10__c.sql': 'SELECT 110;',
      'V1.2__d.sql': 'SELECT 12;',
      'R__b_view.sql': 'SELECT 1;',
      'R__a_view.sql': 'SELECT 1;',
      'U1__a.sql': 'SELECT 1;',
    });
    const d = await loadMigrationDirectory(dir);
    expect(d.format).toBe('flyway');
    expect(order(d)).toEqual([
      'V1__a.sql',
      'V1_1__b.sql',
      'V1.2__d.sql',
      'sub/V1.10__c.sql',
      'R__a_view.sql',
      'R__b_view.sql',
    ]);
    expect(d.migrations.map((m) => m.version)).toEqual(['1', '1.1', '1.2', '1.10', 'R', 'R']);
  });

  test('a script .conf with executeInTransaction=false', async () => {
    const dir = fixtureDir({
      'V1__a.sql': 'SELECT 1;',
      'V2__idx.sql': 'CREATE INDEX CONCURRENTLY i ON t (x);',
      'V2__idx.sql.conf': '# per-script config\nexecuteInTransaction=false\n',
    });
    const d = await loadMigrationDirectory(dir);
    expect(d.migrations.map((m) => m.transaction)).toEqual(['auto', 'none']);
  });
});

describe('dbmate', () => {
  test('up section bounds and start line, with CRLF and a leading comment', async () => {
    const text =
      '-- a header comment\r\n\r\n-- migrate:up\r\nCREATE TABLE t (id int);\r\nSELECT 1\r\n\r\n-- migrate:down\r\nDROP TABLE t;\r\n';
    const d = await loadMigrationDirectory(fixtureDir({ '20240101000000_t.sql': text }));
    const m = d.migrations[0]!;
    expect(d.format).toBe('dbmate');
    expect(m.upStartLine).toBe(4);
    expect(m.upSql).toBe('CREATE TABLE t (id int);\r\nSELECT 1\r\n\r\n');
    expect(m.content).toBe(text);
    expect(m.transaction).toBe('auto');
    expect(m.name).toBe('t');
  });

  test('transaction:false, down before up, and no down section', async () => {
    const d = await loadMigrationDirectory(
      fixtureDir({
        '1_idx.sql':
          '-- migrate:up transaction:false\nCREATE INDEX CONCURRENTLY i ON t (x);\n-- migrate:down\nDROP INDEX i;\n',
        '2_rev.sql': '-- migrate:down\nDROP TABLE u;\n-- migrate:up\nCREATE TABLE u (id int);\n',
        '3_nodown.sql': '-- migrate:up\nSELECT 3;',
      }),
    );
    const [idx, rev, nodown] = d.migrations;
    expect(idx!.transaction).toBe('none');
    expect(idx!.upSql).toBe('CREATE INDEX CONCURRENTLY i ON t (x);\n');
    expect(rev!.upSql).toBe('CREATE TABLE u (id int);\n');
    expect(rev!.upStartLine).toBe(4);
    expect(rev!.transaction).toBe('auto');
    expect(nodown!.upSql).toBe('SELECT 3;');
  });
});

describe('diesel', () => {
  test('metadata.toml run_in_transaction, ordering of mixed names', async () => {
    const d = await loadMigrationDirectory(
      fixtureDir({
        '00000000000000_diesel_initial_setup/up.sql': 'SELECT 0;',
        '2017-08-31-230457_b/up.sql': 'SELECT 2;',
        '2017-08-31-230457_b/down.sql': '',
        '2017-08-31-230457_b/metadata.toml': '# comment\nrun_in_transaction = false # trailing\n',
        '20170820180453_a/up.sql': 'SELECT 1;',
        '20170901000000_c/up.sql': 'SELECT 3;',
        '20170901000000_c/metadata.toml': 'run_in_transaction = true\n',
        '20170902000000_d/up.sql': 'SELECT 4;',
        '20170902000000_d/metadata.toml': '[other]\nrun_in_transaction = false\n',
      }),
    );
    expect(d.format).toBe('diesel');
    expect(order(d)).toEqual([
      '00000000000000_diesel_initial_setup/up.sql',
      '20170820180453_a/up.sql',
      '2017-08-31-230457_b/up.sql',
      '20170901000000_c/up.sql',
      '20170902000000_d/up.sql',
    ]);
    expect(d.migrations.map((m) => m.transaction)).toEqual(['auto', 'auto', 'none', 'auto', 'auto']);
  });

  test('an invalid run_in_transaction value names metadata.toml and its line', async () => {
    const dir = fixtureDir({ '1_a/up.sql': 'SELECT 1;', '1_a/metadata.toml': '\nrun_in_transaction = "no"\n' });
    await expect(loadMigrationDirectory(dir)).rejects.toMatchObject({
      name: 'DbActionError',
      line: 2,
      file: expect.stringMatching(/1_a\/metadata\.toml$/),
    });
  });
});

describe('prisma', () => {
  test('folders in name order, version = folder name, relPath and absPath', async () => {
    const dir = fixtureDir({
      'migration_lock.toml': 'provider = "postgresql"\n',
      '20240102_b/migration.sql': 'SELECT 2;',
      '20240101_a/migration.sql': 'SELECT 1;',
      '.hidden/migration.sql': 'x',
    });
    const d = await loadMigrationDirectory(dir);
    expect(order(d)).toEqual(['20240101_a/migration.sql', '20240102_b/migration.sql']);
    expect(d.migrations[0]!.version).toBe('20240101_a');
    expect(d.migrations[0]!.absPath).toBe(`${dir}/20240101_a/migration.sql`);
    expect(d.dir).toBe(dir);
  });
});
