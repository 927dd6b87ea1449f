/**
 * Golden check over the six real migration corpora (../shared/corpus from the repo root): every "up"
 * part parses, and every statement's text is found in the file exactly at its lines, in order, without
 * overlaps. Plus the corpus facts that depend on parsing (CONCURRENTLY files, explicit BEGIN/COMMIT,
 * comment-only files).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { loadMigrationDirectory, type MigrationDirectory } from '../../src/migrations/index.js';
import { parseMigration, type ParsedMigration } from '../../src/sql/index.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const corpusRoot = path.resolve(repoRoot, '../shared/corpus');
const CORPORA = [
  'trigger-dev-prisma',
  'crates-io-diesel',
  'openmeter-atlas',
  'marquez-flyway',
  'measure-dbmate',
  'docs-rs-sqlx',
];

/** 0-based string offsets at which each line of `content` starts (breaks: \n, \r\n, lone \r). */
function lineStarts(content: string): number[] {
  const starts = [0];
  for (const m of content.matchAll(/\r\n|\r|\n/g)) starts.push(m.index + m[0].length);
  return starts;
}

function lineOf(starts: readonly number[], offset: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo + 1;
}

interface Parsed {
  readonly dir: MigrationDirectory;
  readonly files: { relPath: string; content: string; upStartLine: number; parsed: ParsedMigration }[];
}

const parsedCorpora = new Map<string, Parsed>();

beforeAll(async () => {
  if (!existsSync(corpusRoot)) {
    throw new Error(`corpus not found at ${corpusRoot}: the tests expect ../shared/corpus next to the repository`);
  }
  for (const name of CORPORA) {
    const dir = await loadMigrationDirectory(path.join(corpusRoot, name));
    const files = [];
    for (const m of dir.migrations) {
      files.push({
        relPath: m.relPath,
        content: m.content,
        upStartLine: m.upStartLine,
        parsed: await parseMigration(m),
      });
    }
    parsedCorpora.set(name, { dir, files });
  }
});

function corpus(name: string): Parsed {
  const c = parsedCorpora.get(name);
  if (!c) throw new Error(`corpus ${name} was not parsed`);
  return c;
}

describe.each(CORPORA)('corpus %s', (name) => {
  it('every migration parses and every statement is exactly at its lines, in order, without overlap', () => {
    const { files } = corpus(name);
    expect(files.length).toBeGreaterThan(0);
    let statements = 0;
    for (const f of files) {
      const starts = lineStarts(f.content);
      let cursor = 0; // string offset after the previous statement
      for (const s of f.parsed.statements) {
        const where = `${name}/${f.relPath} statement ${s.index} (lines ${s.startLine}-${s.endLine})`;
        const at = f.content.indexOf(s.text, cursor);
        if (at === -1) throw new Error(`${where}: text not found after the previous statement`);
        expect({ where, start: lineOf(starts, at), end: lineOf(starts, at + s.text.length - 1) }).toEqual({
          where,
          start: s.startLine,
          end: s.endLine,
        });
        expect(s.startLine).toBeGreaterThanOrEqual(f.upStartLine);
        expect(s.text).toBe(s.text.trim());
        expect(s.text.endsWith(';')).toBe(false);
        expect(s.kind).toBe(Object.keys(s.ast)[0]);
        cursor = at + s.text.length;
        statements++;
      }
    }
    expect(statements).toBeGreaterThan(0);
  });
});

describe('corpus facts', () => {
  // The corpus README counts 72 files "with CREATE INDEX CONCURRENTLY" by text search. Parsed, 71 of them
  // run CONCURRENTLY (56 CREATE INDEX + 15 DROP INDEX, each the file's only statement); the 72nd only
  // mentions "DETACH ... CONCURRENTLY" in a comment and is an ordinary transactional migration.
  it('trigger-dev-prisma: the 72 files mentioning CONCURRENTLY = 71 lone CREATE/DROP INDEX CONCURRENTLY + 1 comment', () => {
    const files = corpus('trigger-dev-prisma').files;
    const mentioning = files.filter((f) => /concurrently/i.test(f.content));
    expect(mentioning).toHaveLength(72);
    const nonTx = files.filter((f) => f.parsed.statements.some((s) => !s.transactional));
    expect(nonTx).toHaveLength(71);
    const kinds = nonTx.map((f) =>
      f.parsed.statements.map(
        (s) =>
          `${s.kind}${s.ast[s.kind] && (s.ast[s.kind] as { concurrent?: boolean }).concurrent ? ' CONCURRENTLY' : ''}`,
      ),
    );
    expect(kinds.filter((k) => k.length === 1 && k[0] === 'IndexStmt CONCURRENTLY')).toHaveLength(56);
    expect(kinds.filter((k) => k.length === 1 && k[0] === 'DropStmt CONCURRENTLY')).toHaveLength(15);
    expect(nonTx.map((f) => f.relPath)).toContain(
      '20240821135542_job_run_index_for_organization_id_and_created_at/migration.sql',
    );
    const commentOnly = mentioning.filter((f) => !nonTx.includes(f));
    expect(commentOnly.map((f) => f.relPath)).toEqual([
      '20260622120731_add_webhook_endpoint_and_delivery/migration.sql',
    ]);
    expect(commentOnly[0]?.parsed.statements.every((s) => s.transactional && !/concurrently/i.test(s.text))).toBe(true);
  });

  it('trigger-dev-prisma: 13 files have explicit BEGIN/COMMIT (transactionControl)', () => {
    const withControl = corpus('trigger-dev-prisma').files.filter((f) =>
      f.parsed.statements.some((s) => s.transactionControl),
    );
    expect(withControl).toHaveLength(13);
  });

  it('docs-rs-sqlx: comment-only up files give zero statements', () => {
    const empty = corpus('docs-rs-sqlx').files.filter((f) => f.parsed.statements.length === 0);
    expect(empty.length).toBeGreaterThan(0);
    for (const f of empty) expect(f.content.trim()).not.toBe('');
  });

  it('measure-dbmate: statements are on file lines below the -- migrate:up marker', () => {
    for (const f of corpus('measure-dbmate').files) {
      expect(f.upStartLine).toBeGreaterThan(1);
      const first = f.parsed.statements[0];
      if (first) expect(first.startLine).toBeGreaterThanOrEqual(f.upStartLine);
    }
  });
});
