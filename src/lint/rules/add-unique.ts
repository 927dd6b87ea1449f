/** data-dependent: a UNIQUE / PRIMARY KEY constraint or unique index on an existing table (fails on duplicates). */
import type { Rule, RuleHit } from '../rule.js';
import { addedConstraints, alterTableOnTable, nodeOf, rangeVar, str } from './ast.js';
import { preexisting, qualified, sqlQualified } from './evidence.js';

export const addUnique: Rule = {
  id: 'add-unique',
  category: 'data-dependent',
  defaultSeverity: 'warning',
  summary: 'A new UNIQUE constraint, PRIMARY KEY or unique index on an existing table fails if rows are duplicated.',
  docs: `Uniqueness is checked against the existing rows: the empty dev database always passes, production fails if
two rows share a value (a primary key also fails on NULLs). A failed \`CREATE UNIQUE INDEX CONCURRENTLY\` also
leaves an INVALID index behind that must be dropped by hand.

**Instead:** check for duplicates first
(\`SELECT cols, count(*) FROM t GROUP BY cols HAVING count(*) > 1\`) and clean them up in an earlier migration or
release; make sure code no longer writes duplicates. Adding a constraint \`USING INDEX\` of an existing unique index
is not reported (the index already proved uniqueness), nor are tables created earlier in the same change. The lock
taken while the index is built is reported by \`create-index-blocking\`.`,
  check(ctx) {
    const idx = nodeOf(ctx.statement.ast, 'IndexStmt');
    if (idx) {
      const ref = rangeVar(idx.relation);
      if (!ref || idx.unique !== true) return [];
      if (!preexisting(ctx, 'table', ref) && !preexisting(ctx, 'matview', ref)) return [];
      const table = qualified(ctx, ref);
      const name = str(idx.idxname);
      // CREATE INDEX IF NOT EXISTS of an index that is already there does nothing.
      if (name && idx.if_not_exists === true && preexisting(ctx, 'index', { ...ref, name })) return [];
      return [
        {
          message: `Creates unique index ${name ? `${name} ` : ''}on ${table}: fails if existing rows have duplicate values${idx.concurrent === true ? ' (and leaves an INVALID index behind)' : ''}.`,
          suggestion: `Check for duplicates in production first (SELECT …, count(*) FROM ${sqlQualified(table)} GROUP BY … HAVING count(*) > 1) and clean them up in an earlier migration.`,
        },
      ];
    }
    const a = alterTableOnTable(ctx.statement.ast);
    if (!a || !preexisting(ctx, 'table', a.relation)) return [];
    const table = qualified(ctx, a.relation);
    const hits: RuleHit[] = [];
    for (const { constraint: c, column } of addedConstraints(a)) {
      if ((c.contype !== 'CONSTR_UNIQUE' && c.contype !== 'CONSTR_PRIMARY') || c.usingIndex || column) continue;
      const pk = c.contype === 'CONSTR_PRIMARY';
      hits.push({
        message: `Adds ${pk ? 'PRIMARY KEY' : 'UNIQUE'} ${c.name ? `constraint ${c.name} ` : ''}to ${table}: fails if existing rows have duplicate${pk ? ' or NULL' : ''} values.`,
        suggestion: `Check for duplicates in production first and clean them up in an earlier migration; build the index with CREATE UNIQUE INDEX CONCURRENTLY and add the constraint USING INDEX.`,
      });
    }
    return hits;
  },
};
