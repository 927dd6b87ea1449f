/** destructive: DROP SCHEMA of a schema that existed before the change. */
import type { Rule, RuleHit } from '../rule.js';
import { dropInfo } from './ast.js';
import { collapseParts, droppedLine, droppedNow, droppedWhere } from './evidence.js';

export const dropSchema: Rule = {
  id: 'drop-schema',
  category: 'destructive',
  defaultSeverity: 'error',
  summary: 'DROP SCHEMA of an existing schema deletes it and, with CASCADE, every object and row in it.',
  docs: `Dropping a schema that exists in production removes everything in it when \`CASCADE\` is given (tables with
their rows, views, functions, types, sequences), and breaks every query that names it.

**Instead:** move what must be kept out of the schema, stop using the rest in a deployed release, and drop the schema
in a later migration. Schemas created earlier in the same change are not reported.`,
  check(ctx) {
    const d = dropInfo(ctx.statement.ast);
    if (!d || d.removeType !== 'OBJECT_SCHEMA') return [];
    const hits: RuleHit[] = [];
    for (const ref of d.objects) {
      if (!ctx.isPreexisting('schema', ref.name)) continue;
      if (d.missingOk && !droppedNow(ctx, 'schema', ref.name)) continue;
      const schema = droppedWhere(ctx, (o) => o.kind === 'schema' && o.name === ref.name);
      const inside = collapseParts(droppedWhere(ctx, (o) => o.kind !== 'schema' && o.name.startsWith(`${ref.name}.`)));
      const tables = inside.filter((o) => o.kind === 'table').length;
      hits.push({
        message: `Drops schema ${ref.name}${d.cascade ? ` and everything in it${tables ? ` (${tables} table${tables > 1 ? 's' : ''} with their rows)` : ''}` : ''}.`,
        suggestion: `Move anything that must be kept out of ${ref.name}, stop using the schema in a deployed release, then drop it in a later migration.`,
        evidence: [...schema, ...inside].map(droppedLine),
      });
    }
    return hits;
  },
};
