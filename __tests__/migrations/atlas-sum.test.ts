import { afterAll, describe, expect, test } from '@jest/globals';
import { createHash } from 'node:crypto';
import { appendFileSync, cpSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadMigrationDirectory, verifyAtlasSum } from '../../src/migrations/index.js';
import { corpus } from './corpus-path.js';
import { fixtureDir, removeFixtures } from './fixtures.js';

afterAll(removeFixtures);

const OPENMETER = 'openmeter-atlas';

/** A writable copy of the openmeter corpus (up files, down files and atlas.sum). */
function openmeterCopy(): string {
  const dir = fixtureDir({});
  cpSync(corpus(OPENMETER), dir, { recursive: true });
  return dir;
}

const upFiles = (dir: string) => readdirSync(dir).filter((f) => f.endsWith('.up.sql'));

describe('atlas.sum of the openmeter corpus', () => {
  test('verifies byte for byte', async () => {
    const dir = corpus(OPENMETER);
    expect(await verifyAtlasSum(dir, upFiles(dir))).toEqual({ ok: true, problems: [] });
  });

  test('does not cover the down files', async () => {
    const dir = corpus(OPENMETER);
    const withDown = readdirSync(dir).filter((f) => f.endsWith('.sql'));
    const result = await verifyAtlasSum(dir, withDown);
    expect(result.ok).toBe(false);
    expect(result.problems).toContain(
      'atlas.sum: 20240826120919_init.down.sql is not listed (run `atlas migrate hash`)',
    );
  });

  test('an edited file fails, naming that file (not the later ones)', async () => {
    const dir = openmeterCopy();
    const victim = upFiles(dir).sort()[100]!;
    appendFileSync(path.join(dir, victim), '\n-- edited\n');
    const result = await verifyAtlasSum(dir, upFiles(dir));
    expect(result.ok).toBe(false);
    expect(result.problems).toHaveLength(1);
    expect(result.problems[0]).toContain(`checksum mismatch for ${victim}`);
    // The loader attaches the same result and still loads the migrations.
    const d = await loadMigrationDirectory(dir);
    expect(d.format).toBe('golang-migrate');
    expect(d.migrations).toHaveLength(269);
    expect(d.atlasSum).toEqual(result);
  });

  test('a CRLF conversion counts as an edit (Atlas hashes raw bytes)', async () => {
    const dir = openmeterCopy();
    const first = upFiles(dir).sort()[0]!;
    const p = path.join(dir, first);
    writeFileSync(p, readFileSync(p, 'utf8').replace(/\n/g, '\r\n'));
    const result = await verifyAtlasSum(dir, upFiles(dir));
    expect(result.problems).toEqual([expect.stringContaining(`checksum mismatch for ${first}`)]);
  });

  test('an added, a removed file and a hand-edited sum line are reported', async () => {
    const dir = openmeterCopy();
    writeFileSync(path.join(dir, '20991231000000_new.up.sql'), 'SELECT 1;\n');
    const removed = upFiles(dir).sort()[5]!;
    rmSync(path.join(dir, removed));
    const d = await loadMigrationDirectory(dir);
    expect(d.atlasSum!.ok).toBe(false);
    expect(d.atlasSum!.problems).toEqual(
      expect.arrayContaining([
        'atlas.sum: 20991231000000_new.up.sql is not listed (run `atlas migrate hash`)',
        `atlas.sum: ${removed} is listed but not in the directory`,
      ]),
    );

    const edited = openmeterCopy();
    const sumPath = path.join(edited, 'atlas.sum');
    writeFileSync(sumPath, readFileSync(sumPath, 'utf8').replace(/^h1:./, 'h1:A'));
    const r = await verifyAtlasSum(edited, upFiles(edited));
    expect(r.ok).toBe(false);
    expect(r.problems).toEqual([expect.stringContaining('the first line (h1:…) does not match the entries')]);
  });

  test('an invalid sum file', async () => {
    const dir = fixtureDir({ '1_a.sql': 'SELECT 1;', 'atlas.sum': 'not a sum\n' });
    const d = await loadMigrationDirectory(dir);
    expect(d.format).toBe('atlas');
    expect(d.atlasSum!.problems[0]).toContain('invalid format');
  });
});

/** Atlas's algorithm written out step by step for a fixture (see ariga/atlas sql/migrate/dir.go). */
function atlasSumFor(files: [name: string, content: string, ignored?: boolean][]): string {
  const running = createHash('sha256');
  const lines: [string, string][] = [];
  for (const [name, content, ignored] of files) {
    running.update(name);
    if (ignored) continue;
    running.update(content);
    lines.push([name, running.copy().digest('base64')]);
  }
  const total = createHash('sha256');
  for (const [n, h] of lines) total.update(n).update(h);
  return `h1:${total.digest('base64')}\n${lines.map(([n, h]) => `${n} h1:${h}\n`).join('')}`;
}

describe('atlas format', () => {
  test('every .sql file in name order, atlas:sum ignore honoured', async () => {
    const files: [string, string, boolean?][] = [
      ['1_a.sql', 'CREATE TABLE a (id int);\n'],
      ['2_b.sql', '-- atlas:sum ignore\nSELECT 1;\n', true],
      ['3_c.sql', 'CREATE TABLE c (id int);\n'],
    ];
    const dir = fixtureDir({ ...Object.fromEntries(files.map(([n, c]) => [n, c])), 'atlas.sum': atlasSumFor(files) });
    const d = await loadMigrationDirectory(dir);
    expect(d.format).toBe('atlas');
    expect(d.migrations.map((m) => m.relPath)).toEqual(['1_a.sql', '2_b.sql', '3_c.sql']);
    expect(d.atlasSum).toEqual({ ok: true, problems: [] });

    // Without the directive the ignored file's content would count: the same sum now fails on it.
    writeFileSync(path.join(dir, '2_b.sql'), 'SELECT 1;\n');
    const again = await loadMigrationDirectory(dir);
    expect(again.atlasSum!.ok).toBe(false);
  });
});
