/** data-dependent: a CHECK / FOREIGN KEY constraint validated against existing rows as it is added. */
import type { Rule, RuleHit } from '../rule.js';
import { addedConstraints, alterTableOnTable, constraint, ident, nameList, nodeOf, relKey, str } from './ast.js';
import { preexisting, qualified } from './evidence.js';

export const validatedConstraint: Rule = {
  id: 'validated-constraint',
  category: 'data-dependent',
  defaultSeverity: 'warning',
  summary: 'A CHECK / FOREIGN KEY added without NOT VALID fails if any existing row violates it.',
  docs: `Adding a \`CHECK\` or \`FOREIGN KEY\` constraint without \`NOT VALID\` checks every existing row: the empty dev
database always passes, production fails if one row violates it (an orphaned reference, a value out of range).

Split with \`add-constraint-validating\`: that rule reports the lock held during the validation scan (blocking-lock),
this one the chance of failing on production data (data-dependent). Both fire on a one-step \`ADD CONSTRAINT\`; both
are silenced by the same fix.

\`ALTER DOMAIN … ADD CONSTRAINT … CHECK\` (without \`NOT VALID\`) and \`ALTER DOMAIN … SET NOT NULL\` on an existing domain
are reported too: they check every stored value of every column of that type.

**Instead:** add the constraint \`NOT VALID\` (new and updated rows are checked from then on), fix violating rows,
then \`VALIDATE CONSTRAINT\` in a later migration. \`VALIDATE CONSTRAINT\` itself is not reported: it is the step
where you chose to check the data. Tables created earlier in the same change are not reported.`,
  check(ctx) {
    const domain = nodeOf(ctx.statement.ast, 'AlterDomainStmt');
    if (domain) {
      // ALTER DOMAIN … ADD CONSTRAINT CHECK / SET NOT NULL checks every stored value of every column of the domain.
      const ref = nameList(domain.typeName);
      const c = constraint(domain.def);
      const kind = str(domain.subtype);
      const adds = (kind === 'C' && c?.contype === 'CONSTR_CHECK' && !c.notValid) || kind === 'O';
      if (!ref || !adds || !ctx.isPreexisting('type', relKey(ref))) return [];
      const name = ref.schema ? relKey(ref) : `public.${ref.name}`;
      return [
        {
          message: `${kind === 'O' ? 'Sets NOT NULL on' : `Adds CHECK constraint ${c?.name ? `${c.name} ` : ''}to`} domain ${name}, validated against every stored value of its columns: fails if any violates it.`,
          suggestion:
            kind === 'O'
              ? `Check production data first (no NULLs in columns of type ${name}).`
              : `Add it with NOT VALID, fix violating values, then ALTER DOMAIN ${name} VALIDATE CONSTRAINT ${c?.name ? ident(c.name) : '<name>'} in a later migration.`,
        },
      ];
    }
    const a = alterTableOnTable(ctx.statement.ast);
    if (!a || !preexisting(ctx, 'table', a.relation)) return [];
    const table = qualified(ctx, a.relation);
    const hits: RuleHit[] = [];
    for (const { constraint: c, column } of addedConstraints(a)) {
      if ((c.contype !== 'CONSTR_CHECK' && c.contype !== 'CONSTR_FOREIGN') || c.notValid || column) continue;
      const fk = c.contype === 'CONSTR_FOREIGN';
      hits.push({
        message: `Adds ${fk ? 'foreign key' : 'CHECK'} constraint ${c.name ? `${c.name} ` : ''}to ${table} validated against existing rows: fails if any row ${fk ? 'references a missing row' : 'violates it'}.`,
        suggestion: `Add it with NOT VALID, fix violating rows, then VALIDATE CONSTRAINT ${c.name ? ident(c.name) : '<name>'} in a later migration.`,
      });
    }
    return hits;
  },
};
