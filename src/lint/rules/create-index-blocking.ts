/**
 * blocking-lock: building an index on an existing table without CONCURRENTLY (CREATE INDEX, or ADD
 * CONSTRAINT UNIQUE / PRIMARY KEY / EXCLUDE that builds one), which blocks writes for the whole build.
 */
import type { Rule, RuleHit } from '../rule.js';
import { addedConstraints, alterTableOnTable, nodeOf, rangeVar, str } from './ast.js';
import { lockEvidence, preexisting, qualified, sqlQualified } from './evidence.js';

const INDEXED: Readonly<Record<string, string>> = {
  CONSTR_UNIQUE: 'UNIQUE',
  CONSTR_PRIMARY: 'PRIMARY KEY',
  CONSTR_EXCLUSION: 'EXCLUDE',
};

export const createIndexBlocking: Rule = {
  id: 'create-index-blocking',
  category: 'blocking-lock',
  defaultSeverity: 'warning',
  summary: 'Building an index on an existing table without CONCURRENTLY blocks writes for the whole build.',
  docs: `\`CREATE INDEX\` holds a \`ShareLock\` on the table until the index is built: every \`INSERT\`, \`UPDATE\` and
\`DELETE\` waits, for a time that grows with the table's size. \`ALTER TABLE … ADD CONSTRAINT … UNIQUE / PRIMARY KEY\`
builds its index the same way, under an even stronger \`AccessExclusiveLock\` that blocks reads too.

**Instead:** \`CREATE INDEX CONCURRENTLY\` in a migration of its own that does not run in a transaction (most tools
need that spelled out: \`-- atlas:txmode none\`, \`run_in_transaction = false\`, a file holding only that
statement…). For a constraint: build the unique index concurrently first, then
\`ALTER TABLE t ADD CONSTRAINT c UNIQUE USING INDEX idx\` (or \`PRIMARY KEY USING INDEX\`), which is instant.
Indexes on tables created earlier in the same change are not reported.`,
  check(ctx) {
    const idx = nodeOf(ctx.statement.ast, 'IndexStmt');
    if (idx) {
      const ref = rangeVar(idx.relation);
      if (!ref || idx.concurrent === true) return [];
      if (!preexisting(ctx, 'table', ref) && !preexisting(ctx, 'matview', ref)) return [];
      const table = qualified(ctx, ref);
      const name = str(idx.idxname);
      // CREATE INDEX IF NOT EXISTS of an index that is already there does nothing.
      if (name && idx.if_not_exists === true && preexisting(ctx, 'index', { ...ref, name })) return [];
      return [
        {
          message: `Builds ${idx.unique === true ? 'unique ' : ''}index ${name ?? ''}${name ? ' ' : ''}on ${table} without CONCURRENTLY: writes to ${table} wait until the build finishes.`,
          suggestion: `Use CREATE ${idx.unique === true ? 'UNIQUE ' : ''}INDEX CONCURRENTLY in its own migration that runs outside a transaction.`,
          evidence: lockEvidence(ctx, table),
        },
      ];
    }
    const a = alterTableOnTable(ctx.statement.ast);
    if (!a || !preexisting(ctx, 'table', a.relation)) return [];
    const hits: RuleHit[] = [];
    const table = qualified(ctx, a.relation);
    for (const { constraint: c, column } of addedConstraints(a)) {
      const kind = INDEXED[c.contype];
      if (!kind || c.usingIndex) continue;
      hits.push({
        message: `Adds ${kind} ${c.name ? `constraint ${c.name} ` : ''}${column ? `on new column ${column} ` : ''}to ${table}, building its index under an AccessExclusiveLock: reads and writes wait until it is built.`,
        suggestion:
          kind === 'EXCLUDE'
            ? `Build the constraint on a new table and swap, or schedule a maintenance window.`
            : `Run CREATE UNIQUE INDEX CONCURRENTLY in its own non-transactional migration, then ALTER TABLE ${sqlQualified(table)} ADD CONSTRAINT … ${kind} USING INDEX <index>.`,
        evidence: lockEvidence(ctx, table),
      });
    }
    return hits;
  },
};
