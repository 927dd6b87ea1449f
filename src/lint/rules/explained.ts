/**
 * Which dropped objects of a statement's catalog diff the statement itself names (directly, or as parts of
 * what it names): those are reported by the AST rules (drop-table, drop-column, …). Everything else it
 * dropped is a CASCADE victim (cascade-drop) or, for DO blocks and function calls, a dynamic drop
 * (dynamic-drop). This is how one drop is reported once.
 */
import type { CatalogObject, CatalogObjectKind, RuleContext } from '../rule.js';
import { alterTable, dropInfo, type RelRef } from './ast.js';
import { isOwnedSequenceOf, sameName } from './evidence.js';

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

/** Statements that rename or move objects: the catalog diff lists the old names as dropped, yet nothing is. */
const RENAMING_KINDS: ReadonlySet<string> = new Set(['RenameStmt', 'AlterObjectSchemaStmt']);

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
    const table = o.table ?? '';
    return table.split('.')[1] === ref.schema && sameName(name, `${table}.${ref.name}`);
  }
  if (ref.schema) return sameName(name, `${ref.schema}.${ref.name}`);
  const dot = name.indexOf('.');
  return dot > 0 && sameName(name, `${name.slice(0, dot)}.${ref.name}`);
}

/** A predicate: true for dropped objects the statement names or that are parts of what it names. */
export function explainedByStatement(ctx: RuleContext): (o: CatalogObject) => boolean {
  if (RENAMING_KINDS.has(ctx.statement.kind)) return () => true;
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

  // ALTER TABLE t DROP COLUMN c / DROP CONSTRAINT k: which qualified table `t` is, from the diff.
  const a = alterTable(ctx.statement.ast);
  const tables = new Set<string>();
  const columns: string[] = [];
  const constraints: string[] = [];
  let dropsIdentity = false;
  if (a) {
    for (const o of dropped) {
      const table = o.table ?? (o.kind === 'column' ? o.name.split('.').slice(0, 2).join('.') : undefined);
      if (!table) continue;
      const [schema, rel] = table.split('.');
      if (rel === a.relation.name && (!a.relation.schema || a.relation.schema === schema)) tables.add(table);
    }
    for (const cmd of a.cmds) {
      if (cmd.subtype === 'AT_DropIdentity') dropsIdentity = true;
      if (cmd.subtype === 'AT_DropColumn' && cmd.name) columns.push(cmd.name);
      if (cmd.subtype === 'AT_DropConstraint' && cmd.name) constraints.push(cmd.name);
    }
  }

  const partOfAlter = (o: CatalogObject): boolean => {
    // DROP IDENTITY drops the column's identity sequence (whatever its name).
    if (o.kind === 'sequence' && dropsIdentity) return true;
    for (const table of tables) {
      const schema = table.split('.')[0] ?? '';
      // DROP COLUMN takes the column and the indexes/constraints that use it; DROP CONSTRAINT its index;
      // a dropped serial/identity column its sequence.
      if (o.kind === 'column' && columns.some((c) => sameName(o.name, `${table}.${c}`))) return true;
      if ((o.kind === 'index' || o.kind === 'constraint') && o.table === table && columns.length > 0) return true;
      if (o.kind === 'constraint' && o.table === table && constraints.some((c) => sameName(o.name, `${table}.${c}`)))
        return true;
      if (o.kind === 'index' && o.table === table && constraints.some((c) => sameName(o.name, `${schema}.${c}`)))
        return true;
      if (o.kind === 'sequence' && isOwnedSequenceOf(o.name, new Set([table]))) return true;
    }
    return false;
  };

  const moved = renamedInDiff(ctx);
  return (o) => {
    if (named.has(o) || moved(o)) return true;
    if (o.table && containers.has(o.table)) return true;
    if (o.kind === 'sequence' && isOwnedSequenceOf(o.name, containers)) return true;
    if (schemas.some((s) => o.name.startsWith(s))) return true;
    return a !== undefined && partOfAlter(o);
  };
}

/**
 * Tables and views the diff shows as dropped whose columns reappear, all of them, under a created relation
 * (a rename or SET SCHEMA done by dynamic SQL), with their columns, indexes, constraints and triggers.
 */
export function renamedInDiff(ctx: RuleContext): (o: CatalogObject) => boolean {
  const { created, dropped } = ctx.trace.diff;
  // Identity (oid, attnum) from the catalog: exact. The column-set match below covers diffs without it.
  const byIdentity = new Set((ctx.trace.diff.renamed ?? []).map((r) => `${r.from.kind}:${r.from.name}`));
  const columnsOf = (objects: readonly CatalogObject[], table: string): string =>
    objects
      .filter((o) => o.kind === 'column' && o.table === table)
      .map((o) => o.name.slice(table.length + 1))
      .sort()
      .join(',');
  const renamed = new Set<string>();
  for (const old of dropped) {
    if (old.kind !== 'table' && old.kind !== 'view' && old.kind !== 'matview') continue;
    const cols = columnsOf(dropped, old.name);
    if (created.some((n) => n.kind === old.kind && columnsOf(created, n.name) === cols)) renamed.add(old.name);
  }
  return (o) =>
    byIdentity.has(`${o.kind}:${o.name}`) || renamed.has(o.name) || (o.table !== undefined && renamed.has(o.table));
}
