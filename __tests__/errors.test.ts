import { DbActionError, errorMessage } from '../src/errors.js';

describe('DbActionError', () => {
  it('formats file:line and the hint, without a stack', () => {
    const e = new DbActionError('syntax error at or near "selec"', {
      file: 'migrations/1_x.sql',
      line: 3,
      hint: 'fix the SQL',
    });
    expect(errorMessage(e)).toBe('migrations/1_x.sql:3: syntax error at or near "selec"\n  hint: fix the SQL');
    expect(errorMessage(e)).not.toMatch(/at .*\.ts/);
  });
  it('keeps the cause', () => {
    const cause = new Error('low level');
    expect(new DbActionError('high level', { cause }).cause).toBe(cause);
  });
});
