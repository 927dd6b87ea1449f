/**
 * table-rewrite: `timestamp` ↔ `timestamptz` is done in place only when the session's TimeZone is UTC (PostgreSQL 12+).
 * The dev database pins TimeZone to UTC, so the trace shows no rewrite; production sessions often use another zone.
 */
import type { Statement } from '../../sql/types.js';
import type { CatalogChange, Rule, RuleHit } from '../rule.js';
import { alterTable } from './ast.js';

const WITHOUT_TZ = /^timestamp(\(\d+\))? without time zone\b/;
const WITH_TZ = /^timestamp(\(\d+\))? with time zone\b/;

/** `timestamp` → `timestamptz` or back, from the column's catalog definitions before and after. */
function zoneFlip(change: CatalogChange): 'to timestamptz' | 'to timestamp' | undefined {
  if (WITHOUT_TZ.test(change.before) && WITH_TZ.test(change.after)) return 'to timestamptz';
  if (WITH_TZ.test(change.before) && WITHOUT_TZ.test(change.after)) return 'to timestamp';
  return undefined;
}

/** The last `SET [LOCAL] TimeZone …` among the statements leaves it at UTC. */
function setsUtc(statements: readonly Statement[]): boolean {
  let utc = false;
  for (const s of statements) {
    const set = (s.ast as { VariableSetStmt?: { name?: string; kind?: string; args?: unknown[] } }).VariableSetStmt;
    if (set?.name?.toLowerCase() !== 'timezone') continue;
    const arg = set.args?.[0] as { A_Const?: { sval?: { sval?: string } } } | undefined;
    const value = arg?.A_Const?.sval?.sval?.toLowerCase();
    utc =
      set.kind === 'VAR_SET_VALUE' && ['utc', 'etc/utc', 'zulu', 'gmt', 'etc/gmt', 'universal'].includes(value ?? '');
  }
  return utc;
}

export const timezoneDependentRewrite: Rule = {
  id: 'timezone-dependent-rewrite',
  category: 'table-rewrite',
  defaultSeverity: 'warning',
  summary: 'timestamp ↔ timestamptz is done without a rewrite only when the session TimeZone is UTC.',
  docs: `Since PostgreSQL 12, \`ALTER COLUMN … TYPE timestamptz\` on a \`timestamp\` column (and back) keeps the table
as it is **only when the session's \`TimeZone\` is \`UTC\`**; in any other zone every row is rewritten under an
\`AccessExclusiveLock\`. The dev database runs with \`TimeZone = UTC\` (so its verdicts do not depend on the machine),
which is why the trace shows no rewrite; the server or role that runs the migration in production may well use
another zone. Tables created earlier in the same change are not reported.

**Instead:** put \`SET LOCAL TimeZone = 'UTC';\` in the migration before the \`ALTER\` (db-action apply runs the file in
one transaction), so the change is done in place everywhere, then silence this rule on the statement.`,
  check(ctx) {
    const a = alterTable(ctx.statement.ast);
    if (!a?.cmds.some((c) => c.subtype === 'AT_AlterColumnType')) return [];
    // the migration itself makes it in place everywhere
    if (setsUtc((ctx.fileStatements ?? []).slice(0, ctx.statement.index))) return [];
    const hits: RuleHit[] = [];
    for (const change of ctx.trace.diff.changed) {
      const table = change.object.table;
      if (change.object.kind !== 'column' || !table || !ctx.isPreexisting('table', table)) continue;
      if (ctx.trace.rewritten.includes(table)) continue; // really rewritten: table-rewrite reports it
      const flip = zoneFlip(change);
      if (!flip) continue;
      hits.push({
        message: `Changes ${change.object.name} ${flip}: done in place here only because the dev database's TimeZone is UTC; in a session with another TimeZone it rewrites ${table} under an AccessExclusiveLock.`,
        suggestion: `Add SET LOCAL TimeZone = 'UTC'; before this statement so it is done in place on every server.`,
        evidence: [`changed: column ${change.object.name}: ${change.before} → ${change.after}`],
      });
    }
    return hits;
  },
};
