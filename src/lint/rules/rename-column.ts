/** backward-incompatible: ALTER TABLE … RENAME COLUMN of a column that existed before the change. */
import type { Rule } from '../rule.js';
import { nodeOf, rangeVar, str } from './ast.js';
import { baseNamedColumn, lockEvidence, qualified } from './evidence.js';

export const renameColumn: Rule = {
  id: 'rename-column',
  category: 'backward-incompatible',
  defaultSeverity: 'warning',
  summary: 'Renaming an existing column breaks the running code that still uses the old name.',
  docs: `The version of the application that runs while the deployment rolls out still reads and writes the column
under its old name; its queries fail from the moment the migration commits.

**Instead:** expand and contract. Add the new column, write to both (trigger or application), backfill, switch
readers to the new column, and drop the old one in a later migration. Columns added earlier in the same change (and
columns of tables created in it) are not reported.`,
  check(ctx) {
    const r = nodeOf(ctx.statement.ast, 'RenameStmt');
    if (!r || str(r.renameType) !== 'OBJECT_COLUMN') return [];
    const ref = rangeVar(r.relation);
    const from = str(r.subname);
    const to = str(r.newname);
    if (!ref || !from || !to || !baseNamedColumn(ctx, ref, from)) return [];
    const table = qualified(ctx, ref);
    return [
      {
        message: `Renames column ${table}.${from} to ${to}; running code that uses ${from} fails until it is redeployed.`,
        suggestion: `Add column ${to}, write to both columns, backfill it, switch readers to ${to}, and drop ${from} in a later migration.`,
        evidence: lockEvidence(ctx, table),
      },
    ];
  },
};
