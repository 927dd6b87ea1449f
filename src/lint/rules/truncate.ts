/** destructive: TRUNCATE of a table that existed before the change. */
import type { Rule, RuleContext, RuleHit } from '../rule.js';
import { arr, nodeOf, rangeVar } from './ast.js';
import { lockEvidence, preexisting, qualified, sqlQualified } from './evidence.js';
import { DYNAMIC_KINDS } from './explained.js';

/**
 * A DO block or function call whose text says TRUNCATE and that gave existing tables a new relfilenode: the tables
 * were (almost certainly) emptied, not rewritten. table-rewrite leaves these to this rule.
 */
export function truncatesDynamically(ctx: RuleContext): boolean {
  if (!DYNAMIC_KINDS.has(ctx.statement.kind) || ctx.trace.rewritten.length === 0) return false;
  return /\btruncate\b/i.test(withoutComments(ctx.statement.text));
}

/** The statement's text without `--` and slash-star comments (a mention of TRUNCATE in a comment is no TRUNCATE). */
function withoutComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, ' ').replace(/--[^\n]*/g, ' ');
}

/** ALTER … TYPE, SET LOGGED/UNLOGGED, CLUSTER, VACUUM FULL: statements that rewrite a table in place. */
const MAY_REWRITE = /\balter\b[\s\S]*\b(type|set\s+(un)?logged)\b|\bcluster\b|\bvacuum\s+(\(\s*)?full\b/i;

/**
 * The rewritten tables a dynamic TRUNCATE emptied: all of them when nothing else in the block can rewrite a table,
 * else only those whose name follows TRUNCATE in its text.
 */
export function truncatedTables(ctx: RuleContext): string[] {
  const code = withoutComments(ctx.statement.text);
  if (!MAY_REWRITE.test(code)) return [...ctx.trace.rewritten];
  return ctx.trace.rewritten.filter((t) => {
    const name = (t.split('.').pop() ?? t).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    return new RegExp(`\\btruncate\\s+(table\\s+)?(only\\s+)?([\\w"]+\\.)?"?${name}"?\\b`, 'i').test(code);
  });
}

export const truncate: Rule = {
  id: 'truncate',
  category: 'destructive',
  defaultSeverity: 'error',
  summary: 'TRUNCATE of an existing table deletes every row in it.',
  docs: `\`TRUNCATE\` deletes every row of a table that exists in production (and, with \`CASCADE\`, of every table
referencing it; those are reported too, seen as a new relfilenode on the dev database), under an \`AccessExclusiveLock\`. Migrations run against every environment: a TRUNCATE meant for a
test or staging database also empties production.

**Instead:** delete the rows you mean with a \`DELETE … WHERE\` that names them, or do one-off data cleanups outside
the migration history. Tables created earlier in the same change are not reported. A \`TRUNCATE\` run by dynamic SQL (in a
\`DO\` block or a function) is reported from the tables that got a new relfilenode.`,
  check(ctx) {
    if (truncatesDynamically(ctx)) {
      return truncatedTables(ctx)
        .filter((table) => ctx.isPreexisting('table', table))
        .map((table) => ({
          message: `Empties table ${table} (a TRUNCATE run by dynamic SQL gave it a new relfilenode): every row is deleted.`,
          suggestion: `Delete only the rows you mean with DELETE FROM ${sqlQualified(table)} WHERE …, written in the migration itself, or run one-off cleanups outside the migrations.`,
          evidence: [`relfilenode changed: ${table} truncated or rewritten`, ...lockEvidence(ctx, table)],
        }));
    }
    const t = nodeOf(ctx.statement.ast, 'TruncateStmt');
    if (!t) return [];
    const hits: RuleHit[] = [];
    const named = new Set<string>();
    for (const r of arr(t.relations)) {
      const ref = rangeVar(r);
      if (!ref) continue;
      named.add(qualified(ctx, ref));
      if (!preexisting(ctx, 'table', ref)) continue;
      const name = qualified(ctx, ref);
      hits.push({
        message: `Truncates table ${name}: every row is deleted.`,
        suggestion: `Delete only the rows you mean with DELETE FROM ${sqlQualified(name)} WHERE …, or run one-off cleanups outside the migrations.`,
        evidence: lockEvidence(ctx, name),
      });
    }
    // TRUNCATE … CASCADE also empties the tables that reference the named ones: they get a new relfilenode too.
    for (const other of ctx.trace.rewritten) {
      if (named.has(other) || !ctx.isPreexisting('table', other)) continue;
      hits.push({
        message: `Also truncates table ${other} through CASCADE (it references a truncated table): every row is deleted.`,
        suggestion: `Drop CASCADE and delete only the rows you mean; TRUNCATE without CASCADE fails instead when other tables reference it.`,
        evidence: [`relfilenode changed: ${other} truncated`, ...lockEvidence(ctx, other)],
      });
    }
    return hits;
  },
};
