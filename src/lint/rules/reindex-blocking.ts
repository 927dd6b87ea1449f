/** blocking-lock: REINDEX without CONCURRENTLY of an existing index or table (or a whole schema/database). */
import type { Rule } from '../rule.js';
import { defElemNames, nodeOf, rangeVar, str } from './ast.js';
import { lockEvidence, preexisting, qualified, sqlQualified } from './evidence.js';

export const reindexBlocking: Rule = {
  id: 'reindex-blocking',
  category: 'blocking-lock',
  defaultSeverity: 'warning',
  summary: 'REINDEX without CONCURRENTLY blocks writes to the table (and reads that use the index) while it rebuilds.',
  docs: `\`REINDEX\` rebuilds the index from scratch while holding a \`ShareLock\` on the table (writes wait) and an
\`AccessExclusiveLock\` on the index (queries that would use it wait), for a time that grows with the table's size.
\`REINDEX SCHEMA/DATABASE/SYSTEM\` does this to every table in turn.

**Instead:** \`REINDEX … CONCURRENTLY\` (PostgreSQL 12+) in its own migration that runs outside a transaction.
Indexes and tables created earlier in the same change are not reported.`,
  check(ctx) {
    const r = nodeOf(ctx.statement.ast, 'ReindexStmt');
    if (!r || defElemNames(r.params).includes('concurrently') || r.concurrent === true) return [];
    const kind = str(r.kind) ?? '';
    const ref = rangeVar(r.relation);
    if (kind === 'REINDEX_OBJECT_INDEX' || kind === 'REINDEX_OBJECT_TABLE') {
      const objKind = kind === 'REINDEX_OBJECT_INDEX' ? 'index' : 'table';
      if (!ref || !preexisting(ctx, objKind, ref)) return [];
      const name = qualified(ctx, ref);
      return [
        {
          message: `REINDEX ${objKind.toUpperCase()} ${name} without CONCURRENTLY: writes wait while it rebuilds.`,
          suggestion: `Use REINDEX ${objKind.toUpperCase()} CONCURRENTLY ${sqlQualified(name)} in its own migration that runs outside a transaction.`,
          evidence: lockEvidence(ctx),
        },
      ];
    }
    const what = kind.replace('REINDEX_OBJECT_', '').toLowerCase() || 'database';
    return [
      {
        message:
          `REINDEX ${what.toUpperCase()} ${str(r.name) ?? ''} rebuilds every index in it without CONCURRENTLY, blocking writes table by table.`.replace(
            '  ',
            ' ',
          ),
        suggestion: `Reindex only what needs it, with REINDEX … CONCURRENTLY, outside the migrations.`,
      },
    ];
  },
};
