import { DbActionError } from '../../src/errors.js';
import { allRules } from '../../src/lint/rules/index.js';
import { parseSeverityOverrides, severityNames } from '../../src/lint/severity-config.js';
import { CATEGORIES } from '../../src/lint/types.js';

function errorOf(f: () => unknown): DbActionError {
  try {
    f();
  } catch (e) {
    if (e instanceof DbActionError) return e;
    throw e;
  }
  throw new Error('did not throw');
}

describe('severity overrides (--severity, input severity)', () => {
  it('reads rule ids and categories, comma or newline separated, case and spaces forgiven', () => {
    expect(
      parseSeverityOverrides(['table-rewrite=error, Access-Exclusive-Lock = off\n\nblocking-lock:notice'], 'input'),
    ).toEqual({ 'table-rewrite': 'error', 'access-exclusive-lock': 'off', 'blocking-lock': 'notice' });
    expect(parseSeverityOverrides(['drop-column=warning', 'apply-error=warning'], '--severity')).toEqual({
      'drop-column': 'warning',
      'apply-error': 'warning',
    });
  });

  it('nothing given is no overrides', () => {
    expect(parseSeverityOverrides([], '--severity')).toBeUndefined();
    expect(parseSeverityOverrides(['', ' \n '], 'input severity')).toBeUndefined();
  });

  it('a typo in a rule name is an error that suggests the real one', () => {
    const e = errorOf(() => parseSeverityOverrides(['drop-colum=off'], 'input severity'));
    expect(e.message).toBe("input severity: 'drop-colum' is neither a rule nor a category");
    expect(e.hint).toContain("'drop-column'");
  });

  it('a bad level or shape says the form', () => {
    const e = errorOf(() => parseSeverityOverrides(['drop-column=fatal'], '--severity'));
    expect(e.message).toBe("--severity takes <rule-or-category>=<error|warning|notice|off>, got 'drop-column=fatal'");
    expect(() => parseSeverityOverrides(['drop-column'], '--severity')).toThrow(DbActionError);
  });

  it('knows every rule and category', () => {
    const names = severityNames();
    for (const r of allRules) expect(names).toContain(r.id);
    for (const c of CATEGORIES) expect(names).toContain(c);
  });
});
