/**
 * Parse errors become DbActionErrors at the exact file line and column PostgreSQL reports.
 */
import { DbActionError } from '../../src/errors.js';
import { parseSql } from '../../src/sql/index.js';

async function parseError(sql: string, firstLine?: number): Promise<DbActionError> {
  try {
    await parseSql(sql, { file: 'migrations/001_x.sql', firstLine });
  } catch (e) {
    if (e instanceof DbActionError) return e;
    throw e;
  }
  throw new Error('expected a parse error');
}

describe('parse errors', () => {
  it('reports file, 1-based line and column, the PostgreSQL message and the parser error as cause', async () => {
    const e = await parseError('CREATE TABLE a (id int);\n\n  selec 1;\n');
    expect(e.message).toBe('syntax error at or near "selec"');
    expect(e).toMatchObject({ file: 'migrations/001_x.sql', line: 3, column: 3 });
    expect(e.cause).toBeInstanceOf(Error);
    expect((e.cause as Error).message).toContain('selec');
    expect(e.hint).not.toMatch(/psql/);
    expect(e.format()).toMatch(/^migrations\/001_x\.sql:3:3: syntax error at or near "selec"\n {2}hint: /);
  });

  it('counts the column in characters after non-ASCII text (PostgreSQL reports character positions)', async () => {
    const e = await parseError('SELECT "é🎉", \'日本\' FORM x;');
    expect(e.message).toBe('syntax error at or near "x"');
    // S E L E C T _ " é 🎉 " , _ ' 日 本 ' _ F O R M _ x  ->  x is character 24
    expect(e).toMatchObject({ line: 1, column: 24 });
  });

  it('offsets the error line by firstLine', async () => {
    const e = await parseError('SELECT 1;\nDROP TABL x;', 20);
    expect(e).toMatchObject({ line: 21, column: 6 });
  });

  it('points at the end of input for an unfinished last statement', async () => {
    const e = await parseError('SELECT 1;\nSELECT (');
    expect(e.message).toBe('syntax error at end of input');
    expect(e).toMatchObject({ line: 2, column: 9 });
  });

  it('reports unterminated strings and comments where they start', async () => {
    const q = await parseError("SELECT 1;\nSELECT 'abc;\nSELECT 2;");
    expect(q.message).toMatch(/^unterminated quoted string/);
    expect(q).toMatchObject({ line: 2, column: 8 });
    const c = await parseError('SELECT 1;\n\n /* never closed');
    expect(c.message).toMatch(/^unterminated \/\* comment/);
    expect(c).toMatchObject({ line: 3, column: 2 });
    const d = await parseError('DO $$ BEGIN\nEND;');
    expect(d.message).toMatch(/^unterminated dollar-quoted string/);
    expect(d).toMatchObject({ line: 1, column: 4 });
  });

  it('counts CRLF lines in error positions', async () => {
    const e = await parseError('SELECT 1;\r\n\r\nSELEC 2;\r\n');
    expect(e).toMatchObject({ line: 3, column: 1 });
  });

  it('rejects psql meta-commands with a hint', async () => {
    const e = await parseError('SELECT 1;\n\\connect other\n');
    expect(e.line).toBe(2);
    expect(e.hint).toMatch(/psql meta-commands/);
  });

  it('rejects a NUL byte with its position', async () => {
    const e = await parseError('SELECT 1;\nSELECT\0 2;');
    expect(e.message).toMatch(/NUL byte/);
    expect(e).toMatchObject({ line: 2, column: 7 });
  });
});
