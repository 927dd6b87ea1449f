/** destructive: ALTER TABLE … DROP COLUMN of a column that existed before the change. */
import type { Rule, RuleHit } from '../rule.js';
import { alterTable } from './ast.js';
import { droppedLine, droppedNow, droppedWhere, preexisting, preexistingColumn, qualified } from './evidence.js';

export const dropColumn: Rule = {
  id: 'drop-column',
  category: 'destructive',
  defaultSeverity: 'error',
  summary: 'DROP COLUMN of an existing column deletes its data; running code that selects it breaks.',
  docs: `Dropping a column that exists in production deletes its values for good, and the version of the application
running during the deployment still names it in queries (\`SELECT\`, \`INSERT\`, ORMs listing every column) and fails.
PostgreSQL also silently drops indexes and constraints that use the column.

**Instead:** deploy code that no longer reads or writes the column first (for ORMs: mark it ignored), then drop it in
a later migration. Keep a copy if the data may be needed. Columns added earlier in the same change are not reported.`,
  check(ctx) {
    const a = alterTable(ctx.statement.ast);
    if (!a) return [];
    const hits: RuleHit[] = [];
    for (const cmd of a.cmds) {
      if (cmd.subtype !== 'AT_DropColumn' || !cmd.name) continue;
      if (!preexistingColumn(ctx, a.relation, cmd.name) || !preexisting(ctx, 'table', a.relation)) continue;
      const table = qualified(ctx, a.relation);
      const column = `${table}.${cmd.name}`;
      if (cmd.missingOk && !droppedNow(ctx, 'column', column)) continue;
      const gone = [
        ...droppedWhere(ctx, (o) => o.kind === 'column' && o.name === column),
        ...droppedWhere(ctx, (o) => (o.kind === 'index' || o.kind === 'constraint') && o.table === table),
      ];
      hits.push({
        message: `Drops column ${column} and its data.`,
        suggestion: `Deploy code that no longer reads or writes ${cmd.name} (ORMs: mark it ignored) first, then drop the column in a later migration.`,
        evidence: gone.map(droppedLine),
      });
    }
    return hits;
  },
};
