import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { CATEGORIES } from '../types.js';
import { allRules, ruleById } from './index.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..', '..');

describe('allRules', () => {
  it('has unique kebab-case ids, a finding category, a default severity, a summary and docs', () => {
    const ids = allRules.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const r of allRules) {
      expect(r.id).toMatch(/^[a-z]+(-[a-z]+)*$/);
      expect(CATEGORIES.slice(0, 5)).toContain(r.category);
      expect(['error', 'warning', 'notice']).toContain(r.defaultSeverity);
      expect(r.summary.length).toBeGreaterThan(20);
      expect(r.docs).toContain('**Instead:**');
      expect(r.docs).toMatch(/same change/);
    }
    expect(ruleById('drop-column')?.category).toBe('destructive');
  });

  it('contains the public rule ids, destructive ones as errors', () => {
    const destructive = allRules.filter((r) => r.category === 'destructive');
    expect(destructive.map((r) => r.id).sort()).toEqual(
      [
        'cascade-drop',
        'delete-without-where',
        'drop-column',
        'drop-other',
        'drop-schema',
        'drop-table',
        'drop-view',
        'dynamic-drop',
        'truncate',
      ].sort(),
    );
    expect(destructive.every((r) => r.defaultSeverity === 'error')).toBe(true);
    for (const id of [
      'rename-table',
      'rename-column',
      'set-schema',
      'table-rewrite',
      'create-index-blocking',
      'add-constraint-validating',
      'access-exclusive-lock',
      'set-not-null',
      'add-unique',
      'narrowing-type',
    ]) {
      expect(ruleById(id)).toBeDefined();
    }
  });

  it('every rule has a test file beside it', () => {
    const missing = allRules.filter((r) => !existsSync(join(here, `${r.id}.test.ts`))).map((r) => r.id);
    expect(missing).toEqual([]);
  });

  it('docs/rules.md is generated from the current rules', () => {
    const r = spawnSync(process.execPath, ['scripts/gen-rule-docs.mjs', '--check'], { cwd: root, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const page = readFileSync(join(root, 'docs', 'rules.md'), 'utf8');
    for (const rule of allRules) expect(page).toContain(`### ${rule.id}`);
  });
});
