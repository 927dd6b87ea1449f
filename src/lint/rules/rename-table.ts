/** backward-incompatible: ALTER TABLE … RENAME TO of a table that existed before the change. */
import type { Rule } from '../rule.js';
import { ident, nodeOf, rangeVar, str } from './ast.js';
import { baseNamed, lockEvidence, qualified } from './evidence.js';

export const renameTable: Rule = {
  id: 'rename-table',
  category: 'backward-incompatible',
  defaultSeverity: 'warning',
  summary: 'Renaming an existing table breaks the running code that still uses the old name.',
  docs: `While a deployment rolls out, the previous version of the application keeps running and keeps querying the
table by its old name: every such query fails from the moment the migration commits until the last old instance is
gone (and forever for any other client you forgot).

**Instead:** expand and contract. Create the new name as an updatable view over the old table (or rename and leave a
view with the old name: \`ALTER TABLE old RENAME TO new; CREATE VIEW old AS SELECT * FROM new;\`), deploy code that
uses the new name, then drop the compatibility view in a later migration. Tables created earlier in the same change
are not reported.`,
  check(ctx) {
    const r = nodeOf(ctx.statement.ast, 'RenameStmt');
    if (!r || (str(r.renameType) !== 'OBJECT_TABLE' && str(r.renameType) !== 'OBJECT_FOREIGN_TABLE')) return [];
    const ref = rangeVar(r.relation);
    const to = str(r.newname);
    if (!ref || !to || !baseNamed(ctx, 'table', ref)) return [];
    const name = qualified(ctx, ref);
    return [
      {
        message: `Renames table ${name} to ${to}; running code that uses ${ref.name} fails until it is redeployed.`,
        suggestion: `Leave a compatibility view under the old name (ALTER TABLE ${ident(ref.name)} RENAME TO ${ident(to)}; CREATE VIEW ${ident(ref.name)} AS SELECT * FROM ${ident(to)};), deploy code using ${to}, and drop the view in a later migration.`,
        evidence: lockEvidence(ctx, name),
      },
    ];
  },
};
