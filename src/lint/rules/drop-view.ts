/** destructive: DROP VIEW / DROP MATERIALIZED VIEW of a view that existed before the change. */
import type { Rule, RuleHit } from '../rule.js';
import { dropInfo } from './ast.js';
import { droppedLine, droppedNow, droppedWhere, preexisting, qualified } from './evidence.js';

export const dropView: Rule = {
  id: 'drop-view',
  category: 'destructive',
  defaultSeverity: 'error',
  summary: 'DROP VIEW / DROP MATERIALIZED VIEW of an existing view breaks every query that reads it.',
  docs: `Dropping a view or materialized view that exists in production breaks the running code and reports that read
it; a materialized view also takes its stored rows with it (rebuilding them can take long).

**Instead:** to change a view's definition, prefer \`CREATE OR REPLACE VIEW\` (possible when the columns stay compatible), or create
the new view under a new name, switch readers, and drop the old one later. Views created earlier in the same change
are not reported.`,
  check(ctx) {
    const d = dropInfo(ctx.statement.ast);
    if (!d || (d.removeType !== 'OBJECT_VIEW' && d.removeType !== 'OBJECT_MATVIEW')) return [];
    const kind = d.removeType === 'OBJECT_VIEW' ? 'view' : 'matview';
    const what = kind === 'view' ? 'view' : 'materialized view';
    const hits: RuleHit[] = [];
    for (const ref of d.objects) {
      if (!preexisting(ctx, kind, ref)) continue;
      const name = qualified(ctx, ref);
      if (d.missingOk && !droppedNow(ctx, kind, name)) continue;
      hits.push({
        message: `Drops ${what} ${name}; queries reading it fail.`,
        suggestion:
          kind === 'view'
            ? `Use CREATE OR REPLACE VIEW ${name} to change its definition, or create a view under a new name, switch readers, and drop ${name} in a later migration.`
            : `Create the new materialized view under a new name, switch readers, and drop ${name} in a later migration.`,
        evidence: droppedWhere(ctx, (o) => o.name === name).map(droppedLine),
      });
    }
    return hits;
  },
};
