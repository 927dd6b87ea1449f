/** destructive: DROP TABLE of a table that existed before the change. */
import type { Rule, RuleHit } from '../rule.js';
import { dropInfo, ident } from './ast.js';
import {
  droppedLine,
  droppedNow,
  droppedWhere,
  isOwnedSequenceOf,
  preexisting,
  qualified,
  sqlQualified,
} from './evidence.js';

export const dropTable: Rule = {
  id: 'drop-table',
  category: 'destructive',
  defaultSeverity: 'error',
  summary: 'DROP TABLE of an existing table deletes the table and every row in it.',
  docs: `Dropping a table that exists in production deletes its data for good, and every running version of the
application that still reads or writes it starts failing at once.

**Instead:** stop using the table first (deploy code that no longer reads or writes it), keep a copy if the data may
be needed (\`ALTER TABLE t RENAME TO t_deprecated\` or move it to an archive schema), and drop it in a later
migration once nothing uses it. When the loss is intended, say so with \`-- db-action:nolint drop-table\` above the
statement. Tables created earlier in the same change are not reported.`,
  check(ctx) {
    const d = dropInfo(ctx.statement.ast);
    if (!d || (d.removeType !== 'OBJECT_TABLE' && d.removeType !== 'OBJECT_FOREIGN_TABLE')) return [];
    const hits: RuleHit[] = [];
    for (const ref of d.objects) {
      if (!preexisting(ctx, 'table', ref)) continue;
      const name = qualified(ctx, ref);
      if (d.missingOk && !droppedNow(ctx, 'table', name)) continue;
      const parts = droppedWhere(
        ctx,
        (o) =>
          o.name === name ||
          ((o.kind === 'index' || o.kind === 'trigger') && o.table === name) ||
          (o.kind === 'sequence' && isOwnedSequenceOf(o.name, new Set([name]))),
      );
      hits.push({
        message: `Drops table ${name} and all of its rows.`,
        suggestion: `Stop reading and writing ${name} in a deployed release first, keep a copy if the data may be needed (e.g. ALTER TABLE ${sqlQualified(name)} RENAME TO ${ident(`${ref.name}_deprecated`)}), and drop it in a later migration.`,
        evidence: parts.map(droppedLine),
      });
    }
    return hits;
  },
};
