/**
 * Turning rule hits into findings: configured severities (by rule id or category, `off` removes),
 * nolint directives on the statement, and the fail-on threshold.
 */
import { DbActionError } from '../errors.js';
import type { Statement } from '../sql/types.js';
import { directiveSilences } from './nolint-aliases.js';
import type { Rule, RuleHit } from './rule.js';
import { CATEGORIES, type Category, type Finding, type Severity } from './types.js';

export type SeverityConfig = Readonly<Record<string, Severity | 'off'>>;

const SEVERITIES: readonly string[] = ['error', 'warning', 'notice', 'off'];

/** Checks a severities map: values must be error|warning|notice|off. */
export function validateSeverities(config: SeverityConfig | undefined): void {
  for (const [key, value] of Object.entries(config ?? {})) {
    if (!SEVERITIES.includes(value)) {
      throw new DbActionError(`severity for ${key} must be error, warning, notice or off (got ${String(value)})`, {
        hint: 'e.g. `table-rewrite=warning,drop-column=off`',
      });
    }
  }
}

/** Checks fail-on entries: categories or severities. */
export function validateFailOn(failOn: readonly string[]): void {
  for (const v of failOn) {
    if (!(CATEGORIES as readonly string[]).includes(v) && !['error', 'warning', 'notice'].includes(v)) {
      throw new DbActionError(`fail-on entry "${v}" is neither a category nor a severity`, {
        hint: `use categories (${CATEGORIES.join(', ')}) or severities (error, warning, notice)`,
      });
    }
  }
}

/** The severity a finding gets: config by rule id, then by category, then the hit's own, then the default. */
export function resolveSeverity(
  config: SeverityConfig | undefined,
  ruleId: string,
  category: Category,
  fallback: Severity,
): Severity | 'off' {
  return config?.[ruleId] ?? config?.[category] ?? fallback;
}

/**
 * Whether a nolint directive on the statement silences this rule: names match the rule id or category
 * (or, in atlas/squawk spellings, that tool's own code for it); no names = everything.
 */
export function isSilenced(statement: Pick<Statement, 'nolint'>, ruleId: string, category: Category): boolean {
  return statement.nolint.some((d) => directiveSilences(d, ruleId, category));
}

export interface FindingPlace {
  readonly file: string;
  readonly statement: Pick<Statement, 'startLine' | 'endLine' | 'nolint'>;
}

/** Findings from one rule's hits on one statement (after severities and nolint). */
export function findingsFromHits(
  place: FindingPlace,
  rule: Rule,
  hits: readonly RuleHit[],
  config: SeverityConfig | undefined,
): Finding[] {
  if (hits.length === 0 || isSilenced(place.statement, rule.id, rule.category)) return [];
  const out: Finding[] = [];
  for (const hit of hits) {
    const severity = config?.[rule.id] ?? config?.[rule.category] ?? hit.severity ?? rule.defaultSeverity;
    if (severity === 'off') continue;
    out.push({
      file: place.file,
      line: place.statement.startLine,
      endLine: place.statement.endLine,
      rule: rule.id,
      category: rule.category,
      severity,
      message: hit.message,
      ...(hit.suggestion !== undefined ? { suggestion: hit.suggestion } : {}),
      ...(hit.evidence !== undefined && hit.evidence.length > 0 ? { evidence: hit.evidence } : {}),
    });
  }
  return out;
}

/** A finding the engine raises itself (apply-error, history-modified, out-of-order); undefined when configured off. */
export function engineFinding(
  config: SeverityConfig | undefined,
  finding: Omit<Finding, 'severity'> & { readonly severity: Severity },
): Finding | undefined {
  const severity = resolveSeverity(config, finding.rule, finding.category, finding.severity);
  if (severity === 'off') return undefined;
  return { ...finding, severity };
}

const RANK: Readonly<Record<Severity, number>> = { notice: 0, warning: 1, error: 2 };

/**
 * Whether a finding fails the check: its category is listed in fail-on, or a severity listed there is a threshold
 * it reaches (`warning` fails on warnings and errors, `notice` on everything).
 */
export function isFailing(finding: Pick<Finding, 'category' | 'severity'>, failOn: readonly string[]): boolean {
  if (failOn.includes(finding.category)) return true;
  return failOn.some((e) => e in RANK && RANK[finding.severity] >= RANK[e as Severity]);
}

/** Whether any finding crosses the fail-on threshold. */
export function crossesThreshold(findings: readonly Finding[], failOn: readonly (Category | Severity)[]): boolean {
  return findings.some((f) => isFailing(f, failOn));
}
