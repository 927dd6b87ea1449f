/** Pure finding logic: nolint matching (our names and atlas/squawk codes), severities, fail-on. */
import { crossesThreshold, findingsFromHits, isSilenced, validateFailOn } from '../../src/lint/findings.js';
import type { Rule } from '../../src/lint/rule.js';
import type { NolintDirective } from '../../src/sql/types.js';
import { DbActionError } from '../../src/errors.js';

const d = (source: NolintDirective['source'], ...names: string[]): NolintDirective => ({ source, names, line: 1 });
const stmt = (...nolint: NolintDirective[]) => ({ nolint, startLine: 2, endLine: 3 });

const dropColumn: Rule = {
  id: 'drop-column',
  category: 'destructive',
  defaultSeverity: 'error',
  summary: '',
  docs: '',
  check: () => [],
};

describe('nolint', () => {
  it.each([
    [d('db-action'), true],
    [d('db-action', 'drop-column'), true],
    [d('db-action', 'DESTRUCTIVE'), true],
    [d('db-action', 'drop-table'), false],
    [d('db-action', 'ds103'), false], // atlas codes only in the atlas spelling
    [d('atlas', 'DS103'), true],
    [d('atlas', 'destructive'), true],
    [d('atlas', 'DS102'), false],
    [d('squawk', 'ban-drop-column'), true],
    [d('squawk', 'ban-drop-table'), false],
    [d('squawk', 'drop-column'), true],
  ])('%j silences drop-column: %s', (directive, expected) => {
    expect(isSilenced(stmt(directive), 'drop-column', 'destructive')).toBe(expected);
  });
});

describe('findingsFromHits', () => {
  const place = { file: 'db/1.sql', statement: stmt() };

  it('builds findings with the statement lines and the default severity', () => {
    expect(findingsFromHits(place, dropColumn, [{ message: 'm', evidence: [] }], undefined)).toEqual([
      {
        file: 'db/1.sql',
        line: 2,
        endLine: 3,
        rule: 'drop-column',
        category: 'destructive',
        severity: 'error',
        message: 'm',
      },
    ]);
  });

  it('configured severity by rule id beats category beats the hit', () => {
    const hit = [{ message: 'm', severity: 'notice' as const }];
    expect(findingsFromHits(place, dropColumn, hit, undefined)[0]?.severity).toBe('notice');
    expect(findingsFromHits(place, dropColumn, hit, { destructive: 'warning' })[0]?.severity).toBe('warning');
    expect(
      findingsFromHits(place, dropColumn, hit, { destructive: 'warning', 'drop-column': 'error' })[0]?.severity,
    ).toBe('error');
    expect(findingsFromHits(place, dropColumn, hit, { 'drop-column': 'off' })).toEqual([]);
  });
});

describe('fail-on', () => {
  const f = {
    file: 'x',
    line: 1,
    endLine: 1,
    rule: 'r',
    category: 'table-rewrite' as const,
    severity: 'warning' as const,
    message: '',
  };
  it('crosses on a listed category, or on a listed severity as a threshold (warning = warnings and errors)', () => {
    expect(crossesThreshold([f], ['destructive', 'error'])).toBe(false);
    expect(crossesThreshold([f], ['table-rewrite'])).toBe(true);
    expect(crossesThreshold([f], ['warning'])).toBe(true);
    expect(crossesThreshold([f], ['notice'])).toBe(true);
    expect(crossesThreshold([], ['warning'])).toBe(false);
    const error = { ...f, severity: 'error' as const };
    expect(crossesThreshold([error], ['warning'])).toBe(true);
    expect(crossesThreshold([error], ['notice'])).toBe(true);
    const notice = { ...f, severity: 'notice' as const };
    expect(crossesThreshold([notice], ['warning'])).toBe(false);
    expect(crossesThreshold([notice], ['error'])).toBe(false);
  });
  it('rejects unknown entries', () => {
    expect(() => validateFailOn(['destructive', 'loud'])).toThrow(DbActionError);
  });
});
