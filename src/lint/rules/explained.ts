/**
 * Which dropped objects of a statement's catalog diff the statement itself names (directly, or as parts of
 * what it names): those are reported by the AST rules (drop-table, drop-column, …). Everything else it
 * dropped is a CASCADE victim (cascade-drop) or, for DO blocks and function calls, a dynamic drop
 * (dynamic-drop). This is how one drop is reported once.
 */
import type { CatalogObject, CatalogObjectKind, RuleContext } from '../rule.js';
import { alterTable, dropInfo, type RelRef } from './ast.js';
import { isOwnedSequenceOf } from './evidence.js';

/** Statement kinds whose drops come from code the parse tree does not show. */
export const DYNAMIC_KINDS: ReadonlySet<string> = new Set([
  'DoStmt',
  'CallStmt',
  'SelectStmt',
  'ExecuteStmt',
  'InsertStmt',
  'UpdateStmt',
  'DeleteStmt',
  'MergeStmt',
]);

const DROP_KINDS: Readonly<Record<string, readonly CatalogObjectKind[]>> = {
  OBJECT_TABLE: ['table'],
  OBJECT_FOREIGN_TABLE: ['table'],
  OBJECT_VIEW: ['view'],
  OBJECT_MATVIEW: ['matview'],
  OBJECT_SEQUENCE: ['sequence'],
  OBJECT_INDEX: ['index'],
  OBJECT_TYPE: ['type'],
  OBJECT_DOMAIN: ['type'],
  OBJECT_SCHEMA: ['schema'],
  OBJECT_EXTENSION: ['extension'],
  OBJECT_FUNCTION: ['function'],
  OBJECT_PROCEDURE: ['function'],
  OBJECT_ROUTINE: ['function'],
  OBJECT_AGGREGATE: ['function'],
  OBJECT_TRIGGER: ['trigger'],
};

/** Whether a catalog name (`public.users`, `public.f(integer)`) is what `ref` names. */
function matches(o: CatalogObject, ref: RelRef): boolean {
  const name = o.kind === 'function' ? o.name.slice(0, o.name.indexOf('(')) : o.name;
  if (o.kind === 'schema' || o.kind === 'extension') return name === ref.name;
  if (o.kind === 'trigger') {
    // DROP TRIGGER tr ON t parses as [t, tr]: ref.schema is the table.
    return name.endsWith(`.${ref.schema}.${ref.name}`);
  }
  return ref.schema
    ? name === `${ref.schema}.${ref.name}`
    : name.endsWith(`.${ref.name}`) && name.split('.').length === 2;
}

/** A predicate: true for dropped objects the statement names or that are parts of what it names. */
export function explainedByStatement(ctx: RuleContext): (o: CatalogObject) => boolean {
  const dropped = ctx.trace.diff.dropped;
  const named = new Set<CatalogObject>();
  const containers = new Set<string>();
  const schemas: string[] = [];

  const d = dropInfo(ctx.statement.ast);
  if (d) {
    const kinds = DROP_KINDS[d.removeType] ?? [];
    for (const ref of d.objects) {
      for (const o of dropped) {
        if (!kinds.includes(o.kind) || !matches(o, ref)) continue;
        named.add(o);
        if (o.kind === 'table' || o.kind === 'view' || o.kind === 'matview') containers.add(o.name);
        if (o.kind === 'schema') schemas.push(`${o.name}.`);
      }
    }
  }

  const a = alterTable(ctx.statement.ast);
  const alteredTables = new Set<string>();
  const droppedColumnsOf = new Set<string>();
  const droppedConstraints = new Set<string>();
  if (a) {
    for (const o of dropped) {
      const table = o.table ?? (o.kind === 'column' ? o.name.split('.').slice(0, 2).join('.') : undefined);
      if (!table) continue;
      const [schema, rel] = table.split('.');
      if (rel !== a.relation.name || (a.relation.schema && a.relation.schema !== schema)) continue;
      alteredTables.add(table);
    }
    for (const cmd of a.cmds) {
      if (cmd.subtype === 'AT_DropColumn' && cmd.name) droppedColumnsOf.add(cmd.name);
      if (cmd.subtype === 'AT_DropConstraint' && cmd.name) droppedConstraints.add(cmd.name);
    }
  }

  return (o) => {
    if (named.has(o)) return true;
    if (o.table && containers.has(o.table)) return true;
    if (o.kind === 'sequence' && isOwnedSequenceOf(o.name, containers)) return true;
    if (schemas.some((s) => o.name.startsWith(s))) return true;
    if (a) {
      for (const table of alteredTables) {
        // DROP COLUMN takes the column and the indexes/constraints that use it; DROP CONSTRAINT its index;
        // DROP IDENTITY / a dropped serial column its sequence.
        if (
          o.kind === 'column' &&
          o.name.startsWith(`${table}.`) &&
          droppedColumnsOf.has(o.name.slice(table.length + 1))
        )
          return true;
        if ((o.kind === 'index' || o.kind === 'constraint') && o.table === table && droppedColumnsOf.size > 0)
          return true;
        if (o.kind === 'constraint' && o.table === table && droppedConstraints.has(o.name.slice(table.length + 1)))
          return true;
        if (o.kind === 'index' && o.table === table && droppedConstraints.has(o.name.split('.').pop() ?? ''))
          return true;
        if (o.kind === 'sequence' && isOwnedSequenceOf(o.name, new Set([table]))) return true;
      }
    }
    return false;
  };
}
