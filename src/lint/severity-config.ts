/**
 * The user's severity overrides, as the CLI (`--severity`, repeatable) and the lint action (`severity` input) spell
 * them: `<rule-or-category>=<error|warning|notice|off>`, separated by commas or newlines. A name that is neither a
 * rule id nor a category is an error, so a typo never silently leaves a rule at its default.
 */
import { DbActionError } from '../errors.js';
import { allRules } from './rules/index.js';
import { CATEGORIES, type Severity } from './types.js';
import type { SeverityConfig } from './findings.js';

const LEVELS: readonly string[] = ['error', 'warning', 'notice', 'off'];

/** Rule ids of findings the engine itself emits (not in `allRules`): each is also its category. */
const ENGINE_RULES = ['apply-error', 'history-modified', 'out-of-order'] as const;

/** Every name an override may use: rule ids and categories. */
export function severityNames(): string[] {
  return [...new Set([...allRules.map((r) => r.id), ...ENGINE_RULES, ...CATEGORIES])].sort();
}

/**
 * Parses overrides; `source` names where they came from in errors (`--severity`, `input severity`).
 * Returns undefined when there are none.
 */
export function parseSeverityOverrides(texts: readonly string[], source: string): SeverityConfig | undefined {
  const items = texts
    .flatMap((t) => t.split(/[,\n]/))
    .map((s) => s.trim())
    .filter((s) => s.length > 0 && !s.startsWith('#'));
  if (items.length === 0) return undefined;
  const known = new Set(severityNames());
  const out: Record<string, Severity | 'off'> = {};
  for (const item of items) {
    const m = /^([a-z-]+)\s*[=:]\s*([a-z]+)$/i.exec(item);
    const name = m?.[1]?.toLowerCase();
    const level = m?.[2]?.toLowerCase();
    if (!name || !level || !LEVELS.includes(level)) {
      throw new DbActionError(`${source} takes <rule-or-category>=<error|warning|notice|off>, got '${item}'`, {
        hint: 'e.g. `table-rewrite=error, access-exclusive-lock=off`',
      });
    }
    if (!known.has(name)) {
      const near = [...known].filter((k) => k.includes(name) || name.includes(k) || editDistance(k, name) <= 2);
      throw new DbActionError(`${source}: '${name}' is neither a rule nor a category`, {
        hint: near.length
          ? `did you mean ${near.map((n) => `'${n}'`).join(' or ')}? (rules are listed in docs/rules.md)`
          : `use a rule id from docs/rules.md or a category: ${CATEGORIES.join(', ')}`,
      });
    }
    out[name] = level as Severity | 'off';
  }
  return out;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length]!;
}
