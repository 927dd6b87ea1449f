/** destructive: existing objects dropped by dynamic SQL (DO blocks, function/procedure calls, EXECUTE). */
import type { Rule } from '../rule.js';
import { collapseParts, droppedLine, listNames, objectPreexisting } from './evidence.js';
import { DYNAMIC_KINDS, renamedInDiff } from './explained.js';

const REPLACEABLE: ReadonlySet<string> = new Set(['table', 'view', 'matview', 'column']);

const HOW: Readonly<Record<string, string>> = {
  DoStmt: 'a DO block',
  CallStmt: 'a procedure call',
  SelectStmt: 'a function call',
  ExecuteStmt: 'EXECUTE',
};

export const dynamicDrop: Rule = {
  id: 'dynamic-drop',
  category: 'destructive',
  defaultSeverity: 'error',
  summary: 'A DO block, function call or EXECUTE dropped existing objects (invisible to SQL linters that only parse).',
  docs: `Drops run by dynamic SQL (\`DO $$ … EXECUTE 'DROP …' $$\`, a \`SELECT some_function()\` or \`CALL\` that drops
things, \`EXECUTE\` of a prepared statement) cannot be seen by reading the migration. db-action really executes the
statement on the dev database and compares the catalog before and after it: every table, column, view, schema or
other object that existed before the change and is gone afterwards is reported here.

**Instead:** write the drops as plain DDL so reviewers see them, and make each one safe on its own (see
\`drop-table\`, \`drop-column\`). Objects created earlier in the same change are not reported.`,
  check(ctx) {
    if (!DYNAMIC_KINDS.has(ctx.statement.kind)) return [];
    const renamed = renamedInDiff(ctx);
    // Dropped and re-created under the same name in the block (the data is gone all the same). Indexes and
    // constraints are left out: an ALTER … TYPE in the block rebuilds them under their names.
    const replaced = (ctx.trace.diff.replaced ?? []).filter((o) => REPLACEABLE.has(o.kind));
    const gone = collapseParts(
      [...ctx.trace.diff.dropped, ...replaced].filter((o) => !renamed(o) && objectPreexisting(ctx, o)),
    );
    if (gone.length === 0) return [];
    const names = gone.map((o) => `${o.kind} ${o.name}`);
    return [
      {
        message: `${HOW[ctx.statement.kind] ?? 'This statement'} drops ${listNames(names)} at run time (dynamic SQL).`,
        suggestion: `Write the drop as plain DDL so reviewers see it, and make it safe on its own (stop using the object in a deployed release first).`,
        evidence: gone.map(droppedLine),
      },
    ];
  },
};
