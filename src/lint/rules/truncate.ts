/** destructive: TRUNCATE of a table that existed before the change. */
import type { Rule, RuleHit } from '../rule.js';
import { arr, nodeOf, rangeVar } from './ast.js';
import { lockEvidence, preexisting, qualified, sqlQualified } from './evidence.js';

export const truncate: Rule = {
  id: 'truncate',
  category: 'destructive',
  defaultSeverity: 'error',
  summary: 'TRUNCATE of an existing table deletes every row in it.',
  docs: `\`TRUNCATE\` deletes every row of a table that exists in production (and, with \`CASCADE\`, of every table
referencing it), under an \`AccessExclusiveLock\`. Migrations run against every environment: a TRUNCATE meant for a
test or staging database also empties production.

**Instead:** delete the rows you mean with a \`DELETE … WHERE\` that names them, or do one-off data cleanups outside
the migration history. Tables created earlier in the same change are not reported.`,
  check(ctx) {
    const t = nodeOf(ctx.statement.ast, 'TruncateStmt');
    if (!t) return [];
    const hits: RuleHit[] = [];
    for (const r of arr(t.relations)) {
      const ref = rangeVar(r);
      if (!ref || !preexisting(ctx, 'table', ref)) continue;
      const name = qualified(ctx, ref);
      hits.push({
        message: `Truncates table ${name}: every row is deleted.`,
        suggestion: `Delete only the rows you mean with DELETE FROM ${sqlQualified(name)} WHERE …, or run one-off cleanups outside the migrations.`,
        evidence: lockEvidence(ctx, name),
      });
    }
    return hits;
  },
};
