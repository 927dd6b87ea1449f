/** table-rewrite: the statement really rewrote an existing table (its relfilenode changed on the dev database). */
import type { Rule, RuleHit } from '../rule.js';
import { alterTable, columnDef } from './ast.js';
import { lockEvidence } from './evidence.js';
import { truncatedTables, truncatesDynamically } from './truncate.js';

/** A suggestion fitting what the statement does. */
function suggestionFor(kind: string, subtypes: readonly string[], table: string): string {
  if (kind === 'VacuumStmt' || kind === 'ClusterStmt')
    return `Use pg_repack (or pg_squeeze) to compact or reorder ${table} online, or run it in a maintenance window outside the migrations.`;
  if (subtypes.includes('AT_AlterColumnType'))
    return `Add a new column of the new type, backfill it in batches, switch code to it and drop the old column later (or pick a type change PostgreSQL does without rewrite, e.g. widening varchar(n) or varchar to text).`;
  if (subtypes.includes('AT_AddColumn'))
    return `Add the column without the volatile default (or with a constant default, which PostgreSQL 11+ stores without rewriting), then backfill existing rows in batches.`;
  if (subtypes.includes('AT_SetLogged') || subtypes.includes('AT_SetUnLogged'))
    return `Switching ${table} between LOGGED and UNLOGGED copies it; do it in a maintenance window or create a new table and migrate rows in batches.`;
  return `Do it in a maintenance window, or build a new table, copy rows in batches and swap.`;
}

export const tableRewrite: Rule = {
  id: 'table-rewrite',
  category: 'table-rewrite',
  defaultSeverity: 'warning',
  summary:
    'The statement rewrote an existing table (relfilenode changed): every row copied under an AccessExclusiveLock.',
  docs: `Some changes make PostgreSQL copy the whole table into a new file: changing a column to a type that is not
binary compatible (\`int\` → \`bigint\`, \`varchar\` → \`int\`), adding a column with a volatile default
(\`DEFAULT clock_timestamp()\`, \`gen_random_uuid()\`), \`SET LOGGED\`/\`UNLOGGED\`, \`VACUUM FULL\`, \`CLUSTER\`. During
the copy the table is locked against reads and writes (\`AccessExclusiveLock\`), for a time that grows with its size,
and disk usage doubles.

db-action does not guess: it runs the statement on the dev database and compares the table's \`relfilenode\`
before and after. A change that PostgreSQL performs in place (widening \`varchar(n)\`, \`varchar\` → \`text\`, a
constant default on PostgreSQL 11+) is therefore not reported. \`TRUNCATE\` also gives the table a new file; it is
reported by \`truncate\`, not here. Tables created earlier in the same change are not reported.

**Instead:** add a new column, backfill it in batches, switch code over and drop the old column later; for
compaction use \`pg_repack\`.`,
  check(ctx) {
    if (ctx.statement.kind === 'TruncateStmt') return [];
    // Tables a dynamic TRUNCATE emptied are truncate's; whatever else the block rewrote is a rewrite.
    const emptied = new Set(truncatesDynamically(ctx) ? truncatedTables(ctx) : []);
    const tables = ctx.trace.rewritten.filter((t) => !emptied.has(t) && ctx.isPreexisting('table', t));
    if (tables.length === 0) return [];
    const a = alterTable(ctx.statement.ast);
    const subtypes = a?.cmds.map((c) => c.subtype) ?? [];
    const hits: RuleHit[] = [];
    for (const table of tables) {
      const what = subtypes.includes('AT_AlterColumnType')
        ? ` (ALTER COLUMN ${a?.cmds
            .filter((c) => c.subtype === 'AT_AlterColumnType')
            .map((c) => c.name)
            .join(', ')} TYPE)`
        : subtypes.includes('AT_AddColumn')
          ? ` (ADD COLUMN ${a?.cmds
              .filter((c) => c.subtype === 'AT_AddColumn')
              .map((c) => columnDef(c.def)?.name)
              .join(', ')})`
          : '';
      hits.push({
        message: `Rewrites table ${table}${what}: every row is copied while reads and writes wait.`,
        suggestion: suggestionFor(ctx.statement.kind, subtypes, table),
        evidence: [
          `relfilenode changed: ${table} rewritten`,
          ...lockEvidence(ctx, table).filter((e) => e.startsWith('AccessExclusiveLock')),
        ],
      });
    }
    return hits;
  },
};
