/** backward-incompatible: ALTER VIEW / MATERIALIZED VIEW … RENAME TO of a view that existed before the change. */
import type { Rule } from '../rule.js';
import { nodeOf, rangeVar, str } from './ast.js';
import { baseNamed, qualified } from './evidence.js';

export const renameView: Rule = {
  id: 'rename-view',
  category: 'backward-incompatible',
  defaultSeverity: 'warning',
  summary: 'Renaming an existing view or materialized view breaks the running code that reads it.',
  docs: `Code running during the deployment (and reports, dashboards, other services) still reads the view under its
old name and fails once the migration commits.

**Instead:** create the view under the new name as well, move readers to it, and drop the old name in a later
migration. Views created earlier in the same change are not reported.`,
  check(ctx) {
    const r = nodeOf(ctx.statement.ast, 'RenameStmt');
    const type = str(r?.renameType);
    if (!r || (type !== 'OBJECT_VIEW' && type !== 'OBJECT_MATVIEW')) return [];
    const kind = type === 'OBJECT_VIEW' ? 'view' : 'matview';
    const ref = rangeVar(r.relation);
    const to = str(r.newname);
    if (!ref || !to || !baseNamed(ctx, kind, ref)) return [];
    const name = qualified(ctx, ref);
    return [
      {
        message: `Renames ${kind === 'view' ? 'view' : 'materialized view'} ${name} to ${to}; code reading ${ref.name} fails until it is redeployed.`,
        suggestion: `Create ${to} alongside ${ref.name}, move readers to ${to}, and drop ${ref.name} in a later migration.`,
      },
    ];
  },
};
