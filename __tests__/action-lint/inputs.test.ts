import { DbActionError } from '../../src/errors.js';
import { parseFailOn, parseOnOff, passwordsIn } from '../../action-lint/inputs.js';

describe('lint action inputs', () => {
  it('finds the password of a URL (raw and decoded) and of a key/value conninfo', () => {
    expect(passwordsIn('postgres://u:p%40ss%2Fw@h:5432/db')).toEqual(['p%40ss%2Fw', 'p@ss/w']);
    expect(passwordsIn('postgresql://u:plain@h/db?sslmode=require')).toEqual(['plain']);
    expect(passwordsIn('postgres://h/db?password=qp')).toEqual(['qp']);
    expect(passwordsIn("host=h user=u password='se cret' dbname=d")).toEqual(['se cret']);
    expect(passwordsIn('host=h password=abc dbname=d')).toEqual(['abc']);
    expect(passwordsIn('postgres://u@h/db')).toEqual([]);
  });

  it('parses fail-on lists, the default and none; rejects unknown names with the allowed list', () => {
    expect(parseFailOn('destructive, error\nblocking-lock')).toEqual(['destructive', 'error', 'blocking-lock']);
    expect(parseFailOn('')).toEqual(['destructive', 'apply-error', 'history-modified']);
    expect(parseFailOn('none')).toEqual([]);
    expect(() => parseFailOn('destructiv')).toThrow(DbActionError);
    try {
      parseFailOn('destructiv');
    } catch (e) {
      expect((e as DbActionError).hint).toContain('backward-incompatible');
    }
  });

  it('parses on/off', () => {
    expect(parseOnOff('comment', 'off', true)).toBe(false);
    expect(parseOnOff('comment', 'ON', false)).toBe(true);
    expect(parseOnOff('comment', '', true)).toBe(true);
    expect(() => parseOnOff('comment', 'maybe', true)).toThrow("Invalid comment value 'maybe'");
  });
});
