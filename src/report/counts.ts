/**
 * Numbers every reporter shows: findings per severity and per category, which findings crossed the
 * fail-on threshold, and the strongest lock a statement took. Pure functions over a LintReport.
 */
import { isFailing } from '../lint/findings.js';
import { lockRank } from '../lint/lock-modes.js';
import {
  CATEGORIES,
  type Category,
  type Finding,
  type LintReport,
  type ObservedLock,
  type Severity,
} from '../lint/types.js';

export interface ReportCounts {
  readonly total: number;
  readonly bySeverity: Readonly<Record<Severity, number>>;
  readonly byCategory: Readonly<Record<Category, number>>;
}

export const SEVERITIES: readonly Severity[] = ['error', 'warning', 'notice'];

export function countFindings(findings: readonly Finding[]): ReportCounts {
  const bySeverity: Record<Severity, number> = { error: 0, warning: 0, notice: 0 };
  const byCategory = Object.fromEntries(CATEGORIES.map((c) => [c, 0])) as Record<Category, number>;
  for (const f of findings) {
    bySeverity[f.severity] = (bySeverity[f.severity] ?? 0) + 1;
    byCategory[f.category] = (byCategory[f.category] ?? 0) + 1;
  }
  return { total: findings.length, bySeverity, byCategory };
}

export { isFailing };

/** The findings that make the check fail. */
export function failingFindings(report: Pick<LintReport, 'findings' | 'failOn'>): Finding[] {
  return report.findings.filter((f) => isFailing(f, report.failOn));
}

/** `2 destructive, 1 apply-error`: failing findings counted per category, in CATEGORIES order. */
export function failingSummary(report: Pick<LintReport, 'findings' | 'failOn'>): string {
  const counts = countFindings(failingFindings(report)).byCategory;
  return CATEGORIES.filter((c) => counts[c] > 0)
    .map((c) => `${counts[c]} ${c}`)
    .join(', ');
}

/** `1 finding` / `3 findings`. */
export function plural(n: number, word: string, pluralWord = `${word}s`): string {
  return `${n} ${n === 1 ? word : pluralWord}`;
}

/** The strongest of some locks (unknown modes rank lowest), or undefined when there are none. */
export function strongestLock(locks: readonly ObservedLock[]): ObservedLock | undefined {
  let best: ObservedLock | undefined;
  for (const l of locks) if (!best || lockRank(l.mode) > lockRank(best.mode)) best = l;
  return best;
}

/** Locks that block writes (ShareLock and stronger) or reads (AccessExclusiveLock). */
export function blocksWrites(mode: string): boolean {
  return lockRank(mode) >= lockRank('ShareLock');
}

export function formatLock(lock: ObservedLock): string {
  return `${lock.mode} on ${lock.relation}${lock.earlier ? ' (held since an earlier statement)' : ''}`;
}

/** `12 ms`, `1.4 s`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(ms < 10000 ? 2 : 1)} s`;
}
