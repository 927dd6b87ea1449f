import { afterAll, describe, expect, test } from '@jest/globals';
import { createHash } from 'node:crypto';
import { checksumOf, loadMigrationDirectory } from '../../src/migrations/index.js';
import { fixtureDir, removeFixtures } from './fixtures.js';

afterAll(removeFixtures);

const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');

describe('checksumOf', () => {
  test('is SHA-256 hex of the LF text', () => {
    expect(checksumOf('SELECT 1;\n')).toBe(sha256('SELECT 1;\n'));
  });

  test('CRLF, CR and a BOM do not change it; other edits do', () => {
    const lf = 'CREATE TABLE t (id int);\nSELECT 1;\n';
    expect(checksumOf(lf.replace(/\n/g, '\r\n'))).toBe(checksumOf(lf));
    expect(checksumOf(lf.replace(/\n/g, '\r'))).toBe(checksumOf(lf));
    expect(checksumOf(`\uFEFF${lf}`)).toBe(checksumOf(lf));
    expect(checksumOf(lf.replace('1', '2'))).not.toBe(checksumOf(lf));
    expect(checksumOf(`${lf}\n`)).not.toBe(checksumOf(lf));
  });
});

describe('loaded files', () => {
  test('a CRLF copy and an LF copy have one checksum; content keeps its line endings', async () => {
    const lf = 'CREATE TABLE t (id int);\nSELECT 1;\n';
    const crlf = lf.replace(/\n/g, '\r\n');
    const a = await loadMigrationDirectory(fixtureDir({ '1_a.up.sql': lf }));
    const b = await loadMigrationDirectory(fixtureDir({ '1_a.up.sql': crlf }));
    expect(a.migrations[0]!.checksum).toBe(b.migrations[0]!.checksum);
    expect(a.migrations[0]!.checksum).toBe(sha256(lf));
    expect(b.migrations[0]!.content).toBe(crlf);
  });

  test('a UTF-8 BOM is stripped from content and checksum', async () => {
    const text = "SELECT 'é';\n";
    const withBom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')]);
    const d = await loadMigrationDirectory(fixtureDir({ 'V1__bom.sql': withBom, 'V2__plain.sql': text }));
    const [bom, plain] = d.migrations;
    expect(bom!.content).toBe(text);
    expect(bom!.upSql).toBe(text);
    expect(bom!.checksum).toBe(plain!.checksum);
    expect(bom!.checksum).toBe(sha256(text));
  });
});
