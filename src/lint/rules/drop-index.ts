/** blocking-lock: DROP INDEX without CONCURRENTLY of an existing index. */
import type { Rule, RuleHit } from '../rule.js';
import { dropInfo } from './ast.js';
import { droppedWhere, lockEvidence, preexisting, sqlQualified } from './evidence.js';

export const dropIndex: Rule = {
  id: 'drop-index',
  category: 'blocking-lock',
  defaultSeverity: 'warning',
  summary: 'DROP INDEX without CONCURRENTLY takes an AccessExclusiveLock on the table.',
  docs: `Dropping an index loses no data (so this is not in \`destructive\`), but a plain \`DROP INDEX\` takes an
\`AccessExclusiveLock\` on the index's table. It is quick once granted, but it first waits for every running
transaction on the table, and every read and write queues behind it meanwhile. Queries that relied on the index may
also become much slower, and dropping a unique index removes a guarantee.

**Instead:** \`DROP INDEX CONCURRENTLY\` in its own migration that runs outside a transaction. Indexes created earlier
in the same change are not reported.`,
  check(ctx) {
    const d = dropInfo(ctx.statement.ast);
    if (!d || d.removeType !== 'OBJECT_INDEX' || d.concurrent) return [];
    const hits: RuleHit[] = [];
    for (const ref of d.objects) {
      if (!preexisting(ctx, 'index', ref)) continue;
      const gone = droppedWhere(
        ctx,
        (o) =>
          o.kind === 'index' && (ref.schema ? o.name === `${ref.schema}.${ref.name}` : o.name.endsWith(`.${ref.name}`)),
      )[0];
      // DROP INDEX IF EXISTS of an index an earlier statement already dropped (with its constraint) does nothing.
      if (d.missingOk && !gone && !ctx.trace.error) continue;
      const name = gone?.name ?? (ref.schema ? `${ref.schema}.${ref.name}` : ref.name);
      hits.push({
        message: `Drops index ${name}${gone?.table ? ` on ${gone.table}` : ''} without CONCURRENTLY: reads and writes of the table queue behind its AccessExclusiveLock.`,
        suggestion: `Use DROP INDEX CONCURRENTLY ${sqlQualified(name)} in its own migration that runs outside a transaction.`,
        evidence: gone?.table ? lockEvidence(ctx, gone.table) : [],
      });
    }
    return hits;
  },
};
