/** backward-incompatible: ALTER … SET SCHEMA of an object that existed before the change. */
import type { CatalogObjectKind, Rule } from '../rule.js';
import { ident, nameList, nodeOf, rangeVar, relKey, type RelRef, str } from './ast.js';
import { baseNamed, qualified, sqlQualified } from './evidence.js';

const KINDS: Readonly<Record<string, CatalogObjectKind>> = {
  OBJECT_TABLE: 'table',
  OBJECT_FOREIGN_TABLE: 'table',
  OBJECT_VIEW: 'view',
  OBJECT_MATVIEW: 'matview',
  OBJECT_SEQUENCE: 'sequence',
  OBJECT_TYPE: 'type',
  OBJECT_DOMAIN: 'type',
  OBJECT_FUNCTION: 'function',
  OBJECT_PROCEDURE: 'function',
  OBJECT_ROUTINE: 'function',
};

export const setSchema: Rule = {
  id: 'set-schema',
  category: 'backward-incompatible',
  defaultSeverity: 'warning',
  summary: 'Moving an existing table, view, sequence, type or function to another schema breaks code that names it.',
  docs: `\`ALTER … SET SCHEMA\` moves the object: running code that finds it by its old qualified name, or through a
\`search_path\` that does not include the new schema, fails once the migration commits.

**Instead:** leave a compatibility view (or wrapper function) under the old name while code moves to the new one,
and drop it in a later migration. Objects created earlier in the same change are not reported.`,
  check(ctx) {
    const s = nodeOf(ctx.statement.ast, 'AlterObjectSchemaStmt');
    const type = str(s?.objectType);
    const kind = type ? KINDS[type] : undefined;
    const to = str(s?.newschema);
    if (!s || !kind || !to) return [];
    let ref: RelRef | undefined = rangeVar(s.relation);
    if (!ref) {
      const obj = s.object;
      ref = nodeOf(obj, 'ObjectWithArgs')
        ? nameList(nodeOf(obj, 'ObjectWithArgs')?.objname)
        : nameList(nodeOf(obj, 'TypeName')?.names ?? obj);
    }
    if (!ref) return [];
    if (kind === 'function') {
      const moved = ctx.trace.diff.dropped.filter(
        (o) =>
          o.kind === 'function' &&
          o.name.slice(0, o.name.indexOf('(')).endsWith(`.${ref.name}`) &&
          ctx.isPreexisting('function', o.name),
      );
      return moved.map((o) => ({
        message: `Moves function ${o.name} to schema ${to}; callers using the old name fail.`,
        suggestion: `Keep a wrapper function under the old name while callers move, and drop it in a later migration.`,
        evidence: [`dropped: function ${o.name}`],
      }));
    }
    if (!baseNamed(ctx, kind, ref)) return [];
    const name = ref.schema ? relKey(ref) : kind === 'type' ? `public.${ref.name}` : qualified(ctx, ref);
    return [
      {
        message: `Moves ${kind === 'matview' ? 'materialized view' : kind} ${name} to schema ${to}; code naming ${name} fails.`,
        suggestion:
          kind === 'table' || kind === 'view' || kind === 'matview'
            ? `Leave a compatibility view under the old name (CREATE VIEW ${sqlQualified(name)} AS SELECT * FROM ${ident(to)}.${ident(ref.name)}) while code moves, and drop it in a later migration.`
            : `Move code to the new name first, or keep the object where it is.`,
      },
    ];
  },
};
