/** backward-incompatible: ALTER SCHEMA … RENAME TO of a schema that existed before the change. */
import type { Rule } from '../rule.js';
import { nodeOf, str } from './ast.js';
import { isBaseName } from './evidence.js';

export const renameSchema: Rule = {
  id: 'rename-schema',
  category: 'backward-incompatible',
  defaultSeverity: 'warning',
  summary: 'Renaming an existing schema breaks every query that qualifies names with it (and search_path settings).',
  docs: `Every query, function body, \`search_path\` setting and role default that names the schema stops finding its
objects the moment the rename commits.

**Instead:** create the new schema, move objects one by one with the expand-and-contract steps of \`set-schema\`,
and drop the old schema when nothing uses it. Schemas created earlier in the same change are not reported.`,
  check(ctx) {
    const r = nodeOf(ctx.statement.ast, 'RenameStmt');
    if (!r || str(r.renameType) !== 'OBJECT_SCHEMA') return [];
    const from = str(r.subname);
    const to = str(r.newname);
    if (!from || !to || !isBaseName(ctx, 'schema', from)) return [];
    return [
      {
        message: `Renames schema ${from} to ${to}; queries, functions and search_path settings naming ${from} break.`,
        suggestion: `Create schema ${to}, move objects into it one at a time behind compatibility views, and drop ${from} when nothing uses it.`,
      },
    ];
  },
};
