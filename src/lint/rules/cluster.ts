/** blocking-lock: CLUSTER of an existing table (or of every previously clustered table). */
import type { Rule } from '../rule.js';
import { nodeOf, rangeVar } from './ast.js';
import { lockEvidence, preexisting, qualified } from './evidence.js';

export const cluster: Rule = {
  id: 'cluster',
  category: 'blocking-lock',
  defaultSeverity: 'warning',
  summary: 'CLUSTER rewrites the table in index order under an AccessExclusiveLock.',
  docs: `\`CLUSTER\` copies the table in the order of an index and rebuilds every index, holding an
\`AccessExclusiveLock\` for the whole time: no reads or writes. Without a table name it does this to every table
clustered before.

**Instead:** \`pg_repack --order-by\` reorders a table online; or run CLUSTER in a maintenance window outside the
migrations. The rewrite itself is reported by \`table-rewrite\`. Tables created earlier in the same change are not
reported.`,
  check(ctx) {
    const c = nodeOf(ctx.statement.ast, 'ClusterStmt');
    if (!c) return [];
    const ref = rangeVar(c.relation);
    if (!ref) {
      return [
        {
          message: `CLUSTER without a table rewrites every previously clustered table, each under an AccessExclusiveLock.`,
          suggestion: `Use pg_repack --order-by online, or run CLUSTER in a maintenance window outside the migrations.`,
        },
      ];
    }
    if (!preexisting(ctx, 'table', ref)) return [];
    const name = qualified(ctx, ref);
    return [
      {
        message: `CLUSTER rewrites ${name} under an AccessExclusiveLock: reads and writes wait until it finishes.`,
        suggestion: `Use pg_repack --order-by to reorder ${name} online, or run CLUSTER in a maintenance window outside the migrations.`,
        evidence: lockEvidence(ctx, name),
      },
    ];
  },
};
