/**
 * parseSql: statement splitting by PostgreSQL's own parser, with exact FILE lines.
 */
import { parseMigration, parseSql } from '../../src/sql/index.js';

/** [startLine, endLine, text] of every statement. */
async function spans(sql: string, firstLine?: number): Promise<[number, number, string][]> {
  const r = await parseSql(sql, { file: 'm.sql', firstLine });
  return r.statements.map((s) => [s.startLine, s.endLine, s.text]);
}

describe('parseSql lines and text', () => {
  it('splits simple statements, text without the trailing semicolon', async () => {
    expect(await spans('CREATE TABLE a (id int);\nCREATE TABLE b (id int);\n')).toEqual([
      [1, 1, 'CREATE TABLE a (id int)'],
      [2, 2, 'CREATE TABLE b (id int)'],
    ]);
  });

  it('excludes leading -- and nested /* */ comments from the span', async () => {
    const sql = [
      '-- header comment', // 1
      '/* block /* nested */ still comment', // 2
      '   end of block */', // 3
      '', // 4
      '  ALTER TABLE a', // 5
      '    ADD COLUMN x int; -- trailing', // 6
      '/* between */ SELECT 1;', // 7
    ].join('\n');
    expect(await spans(sql)).toEqual([
      [5, 6, 'ALTER TABLE a\n    ADD COLUMN x int'],
      [7, 7, 'SELECT 1'],
    ]);
  });

  it('keeps comments inside a statement in its text', async () => {
    expect(await spans('SELECT 1 -- one\n  + 2 /* two */;\n')).toEqual([[1, 2, 'SELECT 1 -- one\n  + 2']]);
  });

  it('drops a comment between the last token and the semicolon', async () => {
    expect(await spans('SELECT 1 /* c */\n;\nSELECT 2')).toEqual([
      [1, 1, 'SELECT 1'],
      [3, 3, 'SELECT 2'],
    ]);
  });

  it('handles $$ and $tag$ dollar quoting containing ; and newlines (DO blocks, functions)', async () => {
    const sql = [
      'DO $$', // 1
      'BEGIN', // 2
      "  EXECUTE 'DROP TABLE x; DROP TABLE y';", // 3
      'END', // 4
      '$$;', // 5
      'CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $body$', // 6
      'BEGIN RETURN 1; -- ; not the end', // 7
      'END $body$;', // 8
      'SELECT 3;', // 9
    ].join('\n');
    const r = await parseSql(sql, { file: 'm.sql' });
    expect(r.statements.map((s) => [s.startLine, s.endLine, s.kind])).toEqual([
      [1, 5, 'DoStmt'],
      [6, 8, 'CreateFunctionStmt'],
      [9, 9, 'SelectStmt'],
    ]);
    expect(r.statements[0]?.text).toBe("DO $$\nBEGIN\n  EXECUTE 'DROP TABLE x; DROP TABLE y';\nEND\n$$");
  });

  it("handles strings and E'' strings with embedded ; newlines and escaped quotes", async () => {
    const sql = "INSERT INTO t VALUES ('a;\nb;');\nINSERT INTO t VALUES (E'it\\'s;\\n', 'x''y;');\nSELECT 1;";
    expect(await spans(sql)).toEqual([
      [1, 2, "INSERT INTO t VALUES ('a;\nb;')"],
      [3, 3, "INSERT INTO t VALUES (E'it\\'s;\\n', 'x''y;')"],
      [4, 4, 'SELECT 1'],
    ]);
  });

  it('counts CRLF line endings once and keeps \\r inside multi-line text', async () => {
    const sql = '-- c\r\nCREATE TABLE a (\r\n  id int\r\n);\r\n\r\nSELECT 1;\r\n';
    expect(await spans(sql)).toEqual([
      [2, 4, 'CREATE TABLE a (\r\n  id int\r\n)'],
      [6, 6, 'SELECT 1'],
    ]);
  });

  it('counts a lone \\r (old Mac line ending) as a line break, like the directory model and editors', async () => {
    expect(await spans('-- c\rSELECT 1;\r\rSELECT\r  2;')).toEqual([
      [2, 2, 'SELECT 1'],
      [4, 5, 'SELECT\r  2'],
    ]);
  });

  it('accepts a last statement without ; (with or without trailing comments and whitespace)', async () => {
    expect(await spans('SELECT 1;\nSELECT 2\n')).toEqual([
      [1, 1, 'SELECT 1'],
      [2, 2, 'SELECT 2'],
    ]);
    expect(await spans('SELECT 1;\n\nSELECT\n  2 -- done\n\n-- bye\n')).toEqual([
      [1, 1, 'SELECT 1'],
      [3, 4, 'SELECT\n  2'],
    ]);
  });

  it('returns no statements (and no error) for empty, blank and comment-only input', async () => {
    for (const sql of ['', '   \n\n', '-- only a comment\n', '/* a\n   b */\n-- c', ';', ';;\n;']) {
      expect((await parseSql(sql, { file: 'm.sql' })).statements).toEqual([]);
    }
  });

  it('skips empty statements between semicolons', async () => {
    expect(await spans(';;SELECT 1;;\n;SELECT 2;')).toEqual([
      [1, 1, 'SELECT 1'],
      [2, 2, 'SELECT 2'],
    ]);
  });

  it('measures byte offsets correctly past non-ASCII text', async () => {
    const sql = 'CREATE TABLE "é🎉" (ñ int, c text DEFAULT \'日本語;\');\n-- ü\nSELECT "é🎉".ñ FROM "é🎉";';
    expect(await spans(sql)).toEqual([
      [1, 1, 'CREATE TABLE "é🎉" (ñ int, c text DEFAULT \'日本語;\')'],
      [3, 3, 'SELECT "é🎉".ñ FROM "é🎉"'],
    ]);
  });

  it('copes with control characters inside string literals (the lexer output is JSON)', async () => {
    const sql = "INSERT INTO t VALUES ('a\u0001b\u001fc');\n-- db-action:nolint\nDELETE FROM t;";
    const r = await parseSql(sql, { file: 'm.sql' });
    expect(r.statements.map((s) => [s.startLine, s.text, s.nolint.length])).toEqual([
      [1, "INSERT INTO t VALUES ('a\u0001b\u001fc')", 0],
      [3, 'DELETE FROM t', 1],
    ]);
  });

  it('offsets lines by firstLine (dbmate sections)', async () => {
    expect(await spans('\nCREATE TABLE a (id int);\n\nSELECT 1', 7)).toEqual([
      [8, 8, 'CREATE TABLE a (id int)'],
      [10, 10, 'SELECT 1'],
    ]);
  });

  it('keeps line numbers when the input starts with a BOM', async () => {
    expect(await spans('\uFEFF-- c\nSELECT 1;')).toEqual([[2, 2, 'SELECT 1']]);
  });

  it('keeps a CREATE RULE with several ; inside parentheses as one statement', async () => {
    const sql =
      'CREATE RULE r AS ON INSERT TO t DO ALSO (\n  INSERT INTO a VALUES (1);\n  INSERT INTO b VALUES (2)\n);\nSELECT 1;';
    const r = await parseSql(sql, { file: 'm.sql' });
    expect(r.statements.map((s) => [s.kind, s.startLine, s.endLine])).toEqual([
      ['RuleStmt', 1, 4],
      ['SelectStmt', 5, 5],
    ]);
  });

  it('gives index, kind and the parse tree node of each statement', async () => {
    const r = await parseSql('CREATE INDEX i ON t (a);\nALTER TABLE t ADD COLUMN b int;', { file: 'm.sql' });
    expect(r.statements.map((s) => [s.index, s.kind])).toEqual([
      [0, 'IndexStmt'],
      [1, 'AlterTableStmt'],
    ]);
    expect(r.statements[0]?.ast).toMatchObject({ IndexStmt: { idxname: 'i', relation: { relname: 't' } } });
  });

  it('parseMigration parses upSql with the file name and upStartLine', async () => {
    const r = await parseMigration({ relPath: '2024_x.sql', upSql: 'SELECT 1;\nSELECT 2;', upStartLine: 3 });
    expect(r.statements.map((s) => s.startLine)).toEqual([3, 4]);
    await expect(parseMigration({ relPath: '2024_x.sql', upSql: '\nselec 1', upStartLine: 3 })).rejects.toMatchObject({
      file: '2024_x.sql',
      line: 4,
    });
  });
});
