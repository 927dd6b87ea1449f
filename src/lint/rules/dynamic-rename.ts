/** backward-incompatible: existing tables, views or columns renamed (or moved) by dynamic SQL. */
import type { CatalogRename, Rule } from '../rule.js';
import { isBaseName, listNames } from './evidence.js';
import { DYNAMIC_KINDS } from './explained.js';

const KINDS = new Set(['table', 'view', 'matview', 'column', 'schema']);

/** Renames worth naming: not the columns, indexes and constraints that only moved with their renamed table. */
function ownRenames(renamed: readonly CatalogRename[]): CatalogRename[] {
  const movedTables = new Set(renamed.filter((r) => r.from.kind !== 'column').map((r) => r.from.name));
  const movedSchemas = new Set(renamed.filter((r) => r.from.kind === 'schema').map((r) => `${r.from.name}.`));
  return renamed.filter(
    (r) =>
      KINDS.has(r.from.kind) &&
      !(r.from.kind === 'column' && r.from.table && movedTables.has(r.from.table)) &&
      !(r.from.kind !== 'schema' && [...movedSchemas].some((s) => r.from.name.startsWith(s))),
  );
}

export const dynamicRename: Rule = {
  id: 'dynamic-rename',
  category: 'backward-incompatible',
  defaultSeverity: 'warning',
  summary: 'A DO block, function call or EXECUTE renamed or moved existing tables, views or columns.',
  docs: `Renames run by dynamic SQL (\`DO $$ … EXECUTE 'ALTER TABLE … RENAME …' $$\`, a function that renames things)
break running code exactly like a plain \`RENAME\` (see \`rename-table\`, \`rename-column\`), but a reader of the
migration cannot see them. db-action executes the statement on the dev database and follows each object by its
identity (oid, column number): an existing table, view, schema or column that is still there under another name is
reported here. Objects created earlier in the same change are not reported.

**Instead:** write the rename as plain DDL so reviewers see it, and make it safe (add the new name, write to both,
switch readers, drop the old name later; or a view with the old name during the transition).`,
  check(ctx) {
    if (!DYNAMIC_KINDS.has(ctx.statement.kind)) return [];
    const renames = ownRenames(ctx.trace.diff.renamed ?? []).filter((r) => isBaseName(ctx, r.from.kind, r.from.name));
    if (renames.length === 0) return [];
    return [
      {
        message: `Dynamic SQL renames ${listNames(renames.map((r) => `${r.from.kind} ${r.from.name} to ${r.to.name}`))}: running code that uses the old name fails until it is redeployed.`,
        suggestion: `Write the rename as plain DDL so reviewers see it, and keep the old name working during the transition (a view, or both columns).`,
        evidence: renames.map((r) => `renamed: ${r.from.kind} ${r.from.name} → ${r.to.name}`),
      },
    ];
  },
};
