/** data-dependent: ADD COLUMN … NOT NULL without a DEFAULT on an existing table (fails as soon as the table has rows). */
import type { Rule, RuleHit } from '../rule.js';
import { alterTableOnTable, arr, columnDef, ident, sval } from './ast.js';
import { preexisting, preexistingColumn, qualified } from './evidence.js';

/** Types that bring their own default (a sequence). */
const SERIAL = new Set(['serial', 'serial4', 'serial8', 'bigserial', 'smallserial', 'serial2']);

export const addColumnNotNullNoDefault: Rule = {
  id: 'add-column-not-null-no-default',
  category: 'data-dependent',
  defaultSeverity: 'warning',
  summary: 'ADD COLUMN … NOT NULL without DEFAULT fails on an existing table that has rows.',
  docs: `A new column is NULL in every existing row unless a default fills it, so \`ADD COLUMN c … NOT NULL\` without
\`DEFAULT\` succeeds on an empty dev or CI database and fails in production, where the table has rows. (The same goes
for an inline \`PRIMARY KEY\`.) Identity, generated and serial columns fill themselves and are not reported.

**Instead:** add the column with a \`DEFAULT\` (a constant default is instant on PostgreSQL 11+), or add it nullable,
backfill it, then make it NOT NULL safely (see \`set-not-null\`). Tables created earlier in the same change are not
reported.`,
  check(ctx) {
    const a = alterTableOnTable(ctx.statement.ast);
    if (!a || !preexisting(ctx, 'table', a.relation)) return [];
    const table = qualified(ctx, a.relation);
    const hits: RuleHit[] = [];
    for (const cmd of a.cmds) {
      if (cmd.subtype !== 'AT_AddColumn') continue;
      const col = columnDef(cmd.def);
      // ADD COLUMN IF NOT EXISTS of a column that is already there does nothing.
      if (!col?.name || preexistingColumn(ctx, a.relation, col.name)) continue;
      const types = col.constraints.map((c) => c.contype);
      const notNull = types.includes('CONSTR_NOTNULL') || types.includes('CONSTR_PRIMARY');
      const fills = types.some((t) => t === 'CONSTR_DEFAULT' || t === 'CONSTR_IDENTITY' || t === 'CONSTR_GENERATED');
      const typeName = arr(col.typeName?.names).map(sval).pop() ?? '';
      if (!notNull || fills || SERIAL.has(typeName)) continue;
      hits.push({
        message: `Adds NOT NULL column ${table}.${col.name} without a DEFAULT: fails if ${table} has any rows.`,
        suggestion: `Add it with a DEFAULT, or add it nullable, backfill it, and set NOT NULL afterwards (CHECK (${ident(col.name)} IS NOT NULL) NOT VALID, VALIDATE, then SET NOT NULL).`,
      });
    }
    return hits;
  },
};
