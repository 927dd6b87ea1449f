/**
 * Directives in comments: nolint (db-action, atlas, squawk spellings), file-level nolint, tx-mode.
 */
import { parseDirectives, parseSql } from '../../src/sql/index.js';
import type { NolintDirective } from '../../src/sql/index.js';

async function nolintOf(sql: string): Promise<NolintDirective[][]> {
  return (await parseSql(sql, { file: 'm.sql' })).statements.map((s) => [...s.nolint]);
}

describe('statement nolint directives', () => {
  it('attaches the three spellings on the line directly above, with names and the comment line', async () => {
    const sql = [
      '-- db-action:nolint destructive', // 1
      'DROP TABLE a;', // 2
      '-- atlas:nolint DS103 backward-incompatible', // 3
      'ALTER TABLE b RENAME TO c;', // 4
      '-- squawk-ignore ban-drop-column, renaming-column', // 5
      'ALTER TABLE c DROP COLUMN x;', // 6
      '-- db-action:nolint', // 7
      'TRUNCATE d;', // 8
      'DELETE FROM e;', // 9
    ].join('\n');
    expect(await nolintOf(sql)).toEqual([
      [{ source: 'db-action', names: ['destructive'], line: 1 }],
      [{ source: 'atlas', names: ['DS103', 'backward-incompatible'], line: 3 }],
      [{ source: 'squawk', names: ['ban-drop-column', 'renaming-column'], line: 5 }],
      [{ source: 'db-action', names: [], line: 7 }],
      [],
    ]);
  });

  it('accepts comma and/or space separated names, no space after --, block comments, and a -- reason', async () => {
    const sql = [
      '--atlas:nolint destructive,data-dependent', // 1
      'DROP TABLE a;', // 2
      '/* squawk-ignore ban-drop-table */ DROP TABLE b;', // 3
      '-- db-action:nolint table-rewrite blocking-lock -- reviewed: table has 10 rows', // 4
      'ALTER TABLE c ALTER COLUMN x TYPE bigint;', // 5
      '/*', // 6
      ' * db-action:nolint destructive', // 7
      ' */', // 8
      'DROP TABLE d;', // 9
    ].join('\n');
    expect(await nolintOf(sql)).toEqual([
      [{ source: 'atlas', names: ['destructive', 'data-dependent'], line: 1 }],
      [{ source: 'squawk', names: ['ban-drop-table'], line: 3 }],
      [{ source: 'db-action', names: ['table-rewrite', 'blocking-lock'], line: 4 }],
      [{ source: 'db-action', names: ['destructive'], line: 7 }],
    ]);
  });

  it('a blank line breaks the attachment; a comment line in between does not', async () => {
    const sql = [
      '-- db-action:nolint', // 1
      '', // 2
      'DROP TABLE a;', // 3
      '-- squawk-ignore ban-drop-table', // 4
      '-- why: table is empty since v2', // 5
      'DROP TABLE b;', // 6
    ].join('\n');
    expect(await nolintOf(sql)).toEqual([[], [{ source: 'squawk', names: ['ban-drop-table'], line: 4 }]]);
  });

  it('a trailing comment on the previous statement line is directly above the next statement (as in squawk)', async () => {
    expect(await nolintOf('SELECT 1; -- squawk-ignore ban-drop-table\nDROP TABLE a;')).toEqual([
      [],
      [{ source: 'squawk', names: ['ban-drop-table'], line: 1 }],
    ]);
  });

  it('a db-action:nolint trailing a statement on its last line silences that statement, not the next', async () => {
    expect(
      await nolintOf(
        'ALTER TABLE users DROP COLUMN email; -- db-action:nolint drop-column\nALTER TABLE users DROP COLUMN name;',
      ),
    ).toEqual([[{ source: 'db-action', names: ['drop-column'], line: 1 }], []]);
    // Also on the last line of a multi-line statement, and on the last statement of the file.
    expect(
      await nolintOf('SELECT 1;\nALTER TABLE t\n  DROP COLUMN c; -- db-action:nolint destructive -- archived'),
    ).toEqual([[], [{ source: 'db-action', names: ['destructive'], line: 3 }]]);
    // The `;` on a line of its own: the comment after it trails the statement it ends.
    expect(await nolintOf('drop table a\n; -- db-action:nolint\ndrop table b;')).toEqual([
      [{ source: 'db-action', names: [], line: 2 }],
      [],
    ]);
    // A comment between two statements on one line is before the second, on its first line: the second's.
    expect(await nolintOf('drop table a; /* db-action:nolint */ drop table b;')).toEqual([
      [],
      [{ source: 'db-action', names: [], line: 1 }],
    ]);
    // Two statements on a line, a comment at its end: it trails the last one.
    expect(await nolintOf('drop table a; drop table b; -- db-action:nolint')).toEqual([
      [],
      [{ source: 'db-action', names: [], line: 1 }],
    ]);
    // A directive on its own line below still belongs to the statement under it.
    expect(await nolintOf('SELECT 1;\n-- db-action:nolint\nDROP TABLE a;')).toEqual([
      [],
      [{ source: 'db-action', names: [], line: 2 }],
    ]);
  });

  it('ignores directives inside a statement and look-alikes', async () => {
    const sql = [
      'CREATE TABLE a (', // 1
      '  -- db-action:nolint', // 2
      '  id int', // 3
      ');', // 4
      '-- db-action:nolintx', // 5
      '-- see db-action:nolint for details', // 6
      "SELECT '-- db-action:nolint';", // 7
      'DROP TABLE a;', // 8
    ].join('\n');
    expect(await nolintOf(sql)).toEqual([[], [], []]);
  });

  it('does not attach a directive after the last statement', async () => {
    expect(await nolintOf('DROP TABLE a;\n-- db-action:nolint\n')).toEqual([[]]);
  });
});

describe('file-level directives', () => {
  it('db-action:nolint-file and squawk-ignore-file apply to every statement, wherever they are', async () => {
    const sql = [
      '-- db-action:nolint-file destructive', // 1
      '', // 2
      'DROP TABLE a;', // 3
      '-- squawk-ignore ban-drop-table', // 4
      'DROP TABLE b;', // 5
      '-- squawk-ignore-file', // 6
    ].join('\n');
    const fileLevel = [
      { source: 'db-action', names: ['destructive'], line: 1 },
      { source: 'squawk', names: [], line: 6 },
    ];
    expect(await nolintOf(sql)).toEqual([
      fileLevel,
      [...fileLevel, { source: 'squawk', names: ['ban-drop-table'], line: 4 }],
    ]);
  });

  it('atlas:nolint in the header separated by a blank line is file-level (Atlas rule); attached it is per statement', async () => {
    expect(await nolintOf('-- atlas:nolint destructive\n\nDROP TABLE a;\nDROP TABLE b;')).toEqual([
      [{ source: 'atlas', names: ['destructive'], line: 1 }],
      [{ source: 'atlas', names: ['destructive'], line: 1 }],
    ]);
    expect(await nolintOf('-- atlas:nolint destructive\nDROP TABLE a;\nDROP TABLE b;')).toEqual([
      [{ source: 'atlas', names: ['destructive'], line: 1 }],
      [],
    ]);
  });

  it('a db-action:nolint separated by a blank line is not file-level (use nolint-file)', async () => {
    expect(await nolintOf('-- db-action:nolint\n\nDROP TABLE a;')).toEqual([[]]);
  });
});

describe('tx-mode directives', () => {
  const tx = async (sql: string) => (await parseSql(sql, { file: 'm.sql' })).txMode;

  it('reads db-action and atlas spellings in the leading comment block', async () => {
    expect(await tx('-- db-action:tx-mode none\nCREATE INDEX CONCURRENTLY i ON t (a);')).toBe('none');
    expect(await tx('-- some header\n-- db-action:no-transaction\n\nSELECT 1;')).toBe('none');
    expect(await tx('-- atlas:txmode none\n\nCREATE INDEX CONCURRENTLY i ON t (a);')).toBe('none');
    expect(await tx('/* db-action:tx-mode file */\nSELECT 1;')).toBe('file');
    expect(await tx('-- atlas:txmode all\nSELECT 1;')).toBe('file');
  });

  it('is undefined without a directive, or when the directive comes after the first statement', async () => {
    expect(await tx('SELECT 1;')).toBeUndefined();
    expect(await tx('SELECT 1;\n-- db-action:tx-mode none\nSELECT 2;')).toBeUndefined();
    expect(await tx('-- db-action:tx-mode sometimes\nSELECT 1;')).toBeUndefined();
  });

  it('works in a comment-only file', async () => {
    const r = await parseSql('-- atlas:txmode none\n', { file: 'm.sql' });
    expect(r).toEqual({ statements: [], txMode: 'none' });
  });

  it('a tx-mode directive is not a nolint', async () => {
    expect(await nolintOf('-- db-action:tx-mode none\nSELECT 1;')).toEqual([[]]);
  });
});

describe('parseDirectives', () => {
  it('reports each directive line of a multi-line block comment', () => {
    const d = parseDirectives({ text: '/* db-action:nolint a\n   squawk-ignore b, c */', startLine: 10, endLine: 11 });
    expect(d).toEqual([
      { kind: 'nolint', source: 'db-action', names: ['a'], line: 10 },
      { kind: 'nolint', source: 'squawk', names: ['b', 'c'], line: 11 },
    ]);
  });
});
