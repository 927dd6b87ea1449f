/** blocking-lock: REFRESH MATERIALIZED VIEW without CONCURRENTLY on an existing materialized view. */
import type { Rule } from '../rule.js';
import { nodeOf, rangeVar } from './ast.js';
import { lockEvidence, preexisting, qualified, sqlQualified } from './evidence.js';

export const refreshMatviewBlocking: Rule = {
  id: 'refresh-matview-blocking',
  category: 'blocking-lock',
  defaultSeverity: 'warning',
  summary: 'REFRESH MATERIALIZED VIEW without CONCURRENTLY blocks every read of the view until the query finishes.',
  docs: `A plain \`REFRESH MATERIALIZED VIEW\` takes an \`AccessExclusiveLock\` on the view and re-runs its query:
everything reading the view waits for the whole refresh.

**Instead:** \`REFRESH MATERIALIZED VIEW CONCURRENTLY\` (needs a unique index on the view, and cannot run inside a
transaction block in some tools' modes; it cannot be used on a view that was never populated), or refresh outside
the migrations. Materialized views created earlier in the same change are not reported.`,
  check(ctx) {
    const r = nodeOf(ctx.statement.ast, 'RefreshMatViewStmt');
    if (!r || r.concurrent === true) return [];
    const ref = rangeVar(r.relation);
    if (!ref || !preexisting(ctx, 'matview', ref)) return [];
    const name = qualified(ctx, ref);
    return [
      {
        message: `Refreshes materialized view ${name} without CONCURRENTLY: reads of ${name} wait until the refresh finishes.`,
        suggestion: `Use REFRESH MATERIALIZED VIEW CONCURRENTLY ${sqlQualified(name)} (needs a unique index on it), or refresh outside the migrations.`,
        evidence: lockEvidence(ctx, name),
      },
    ];
  },
};
