/**
 * destructive: DELETE without WHERE on an existing table (error), UPDATE without WHERE that overwrites an
 * existing column of an existing table (warning). Backfilling a column added in the same change is fine.
 */
import type { Rule, RuleHit } from '../rule.js';
import { arr, nodeOf, rangeVar, str } from './ast.js';
import { preexisting, preexistingColumn, qualified } from './evidence.js';

export const deleteWithoutWhere: Rule = {
  id: 'delete-without-where',
  category: 'destructive',
  defaultSeverity: 'error',
  summary:
    'DELETE without WHERE empties an existing table; UPDATE without WHERE overwrites an existing column in every row.',
  docs: `A \`DELETE\` without \`WHERE\` on a table that exists in production deletes every row, in every environment
the migration runs in. An \`UPDATE\` without \`WHERE\` that assigns a column which already existed overwrites its old
values in every row (reported as a warning: it is sometimes meant, but the old values are gone); it also locks and
rewrites every row in one long transaction.

An \`UPDATE\` without \`WHERE\` that only assigns columns added earlier in the same change (a backfill) is not
reported, nor are statements on tables created in the same change.

**Instead:** add the \`WHERE\` that names the rows you mean; for large backfills, update in batches outside the
migration transaction.`,
  check(ctx) {
    const del = nodeOf(ctx.statement.ast, 'DeleteStmt');
    if (del) {
      const ref = rangeVar(del.relation);
      if (!ref || del.whereClause !== undefined || !preexisting(ctx, 'table', ref)) return [];
      const name = qualified(ctx, ref);
      return [
        {
          message: `Deletes every row of table ${name} (DELETE without WHERE).`,
          suggestion: `Add a WHERE clause naming the rows to delete, or run one-off cleanups outside the migrations.`,
        },
      ];
    }
    const upd = nodeOf(ctx.statement.ast, 'UpdateStmt');
    if (!upd) return [];
    const ref = rangeVar(upd.relation);
    if (!ref || upd.whereClause !== undefined || !preexisting(ctx, 'table', ref)) return [];
    const targets = arr(upd.targetList)
      .map((t) => str(nodeOf(t, 'ResTarget')?.name))
      .filter((c): c is string => c !== undefined);
    const old = [...new Set(targets)].filter((c) => preexistingColumn(ctx, ref, c));
    if (old.length === 0) return [];
    const name = qualified(ctx, ref);
    const hit: RuleHit = {
      message: `Overwrites existing column${old.length > 1 ? 's' : ''} ${old.map((c) => `${name}.${c}`).join(', ')} in every row (UPDATE without WHERE).`,
      suggestion: `Add a WHERE clause naming the rows to change; for large backfills update in batches outside the migration transaction.`,
      severity: 'warning',
    };
    return [hit];
  },
};
