/** blocking-lock: ADD CONSTRAINT CHECK / FOREIGN KEY without NOT VALID on an existing table (validation scan under lock). */
import type { Rule, RuleHit } from '../rule.js';
import { addedConstraints, alterTableOnTable, ident, rangeVar } from './ast.js';
import { lockEvidence, preexisting, qualified, sqlQualified } from './evidence.js';

export const addConstraintValidating: Rule = {
  id: 'add-constraint-validating',
  category: 'blocking-lock',
  defaultSeverity: 'warning',
  summary: 'ADD CONSTRAINT CHECK / FOREIGN KEY without NOT VALID scans the existing table while holding a lock.',
  docs: `Adding a \`CHECK\` or \`FOREIGN KEY\` constraint to an existing table checks every existing row before the
statement returns, while holding the lock \`ALTER TABLE\` took: an \`AccessExclusiveLock\` for a CHECK (reads and
writes wait), a \`ShareRowExclusiveLock\` on both tables for a foreign key (writes wait). The wait grows with the
table's size.

**Instead:** add the constraint with \`NOT VALID\` (instant: only new rows are checked), then in a later migration
\`ALTER TABLE t VALIDATE CONSTRAINT c\`, which scans under a \`ShareUpdateExclusiveLock\` that lets reads and writes
continue.

Whether the rows satisfy the constraint is the separate data-dependent question, reported by
\`validated-constraint\` on the same statement. Constraints on tables created earlier in the same change are not
reported.`,
  check(ctx) {
    const a = alterTableOnTable(ctx.statement.ast);
    if (!a || !preexisting(ctx, 'table', a.relation)) return [];
    const table = qualified(ctx, a.relation);
    const hits: RuleHit[] = [];
    for (const { constraint: c, column } of addedConstraints(a)) {
      if ((c.contype !== 'CONSTR_CHECK' && c.contype !== 'CONSTR_FOREIGN') || c.notValid || column) continue;
      const fk = c.contype === 'CONSTR_FOREIGN';
      const ref = fk ? rangeVar(c.raw.pktable) : undefined;
      const referenced = ref ? qualified(ctx, ref) : undefined;
      const name = c.name ? ident(c.name) : '<name>';
      // What waits follows the lock really held (another subcommand of the same ALTER may take a stronger one).
      const exclusive = ctx.trace.locks.some((l) => l.relation === table && l.mode === 'AccessExclusiveLock');
      hits.push({
        message: `Adds ${fk ? 'foreign key' : 'CHECK'} constraint ${c.name ?? ''}${c.name ? ' ' : ''}to ${table} and validates every existing row while ${fk && !exclusive ? 'writes' : 'reads and writes'} wait.`,
        suggestion: `Add it with NOT VALID, then run ALTER TABLE ${sqlQualified(table)} VALIDATE CONSTRAINT ${name} in a later migration (it does not block reads or writes).`,
        evidence: [
          ...lockEvidence(ctx, table),
          ...(referenced && referenced !== table ? lockEvidence(ctx, referenced) : []),
        ],
      });
    }
    return hits;
  },
};
