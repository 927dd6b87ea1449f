/**
 * Small readers over libpg-query statement nodes: the node kind and the relations a statement touches.
 */
import type { Statement } from './types.js';

type Node = Record<string, unknown>;

/** `{ IndexStmt: {...} }` -> `IndexStmt` (also accepts a Statement). Empty string for an empty node. */
export function nodeKind(stmt: Node | Pick<Statement, 'ast'>): string {
  const ast = isStatement(stmt) ? stmt.ast : stmt;
  return Object.keys(ast)[0] ?? '';
}

/** `{ IndexStmt: body }` -> `body` (also accepts a Statement); `{}` when there is none. */
export function nodeBody(stmt: Node | Pick<Statement, 'ast'>): Node {
  const ast = isStatement(stmt) ? stmt.ast : stmt;
  const body = ast[nodeKind(ast)];
  return body !== null && typeof body === 'object' ? (body as Node) : {};
}

function isStatement(x: Node | Pick<Statement, 'ast'>): x is Pick<Statement, 'ast'> {
  // Parse-tree nodes have exactly one key, the capitalised node type; a Statement has `ast`.
  const ast = (x as { ast?: unknown }).ast;
  return ast !== null && typeof ast === 'object' && !Array.isArray(ast);
}

/** `schema.name` when the schema was written, else `name` (as the parser normalised it: unquoted names lower-cased). */
export function rangeVarName(rv: unknown): string | undefined {
  if (rv === null || typeof rv !== 'object') return undefined;
  const r = ((rv as Node).RangeVar ?? rv) as Node;
  if (typeof r.relname !== 'string') return undefined;
  return [r.catalogname, r.schemaname, r.relname]
    .filter((p): p is string => typeof p === 'string' && p !== '')
    .join('.');
}

/** A name list (`[{String:{sval:'s'}},{String:{sval:'t'}}]`, possibly wrapped in `{List:{items}}`) -> `s.t`. */
function nameListName(node: unknown): string | undefined {
  const items = Array.isArray(node) ? node : (((node as Node | undefined)?.List as Node | undefined)?.items as unknown);
  if (!Array.isArray(items)) return undefined;
  const parts = items.map((i) => ((i as Node | undefined)?.String as Node | undefined)?.sval);
  return parts.every((p): p is string => typeof p === 'string') && parts.length > 0 ? parts.join('.') : undefined;
}

/** Object types of DROP that name a relation (table-like object or index). */
const RELATION_DROP_TYPES = new Set([
  'OBJECT_TABLE',
  'OBJECT_VIEW',
  'OBJECT_MATVIEW',
  'OBJECT_INDEX',
  'OBJECT_SEQUENCE',
  'OBJECT_FOREIGN_TABLE',
]);

/**
 * Relation names (tables, indexes, views, sequences) a statement touches, qualified if written so, in
 * order of appearance and without duplicates. Covers DDL and DML statements that name relations at the
 * top level; relations inside subqueries, function bodies or DO blocks are not included. Other statement
 * kinds (and DROP of non-relations such as types or schemas) return [].
 */
export function statementTargets(stmt: Node | Pick<Statement, 'ast'>): string[] {
  const kind = nodeKind(stmt);
  const n = nodeBody(stmt);
  const out: (string | undefined)[] = [];
  const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
  switch (kind) {
    case 'CreateStmt':
    case 'IndexStmt':
    case 'RefreshMatViewStmt':
    case 'ClusterStmt':
    case 'InsertStmt':
    case 'UpdateStmt':
    case 'DeleteStmt':
    case 'CreateTrigStmt':
    case 'RuleStmt':
    case 'ReindexStmt':
    case 'RenameStmt':
    case 'AlterObjectSchemaStmt':
    case 'AlterOwnerStmt':
      out.push(rangeVarName(n.relation));
      break;
    case 'MergeStmt':
      out.push(rangeVarName(n.relation), rangeVarName(n.sourceRelation));
      break;
    case 'AlterTableStmt': {
      out.push(rangeVarName(n.relation));
      // ATTACH/DETACH PARTITION also touch the partition.
      for (const c of list(n.cmds)) {
        const def = ((c as Node).AlterTableCmd as Node | undefined)?.def as Node | undefined;
        out.push(rangeVarName((def?.PartitionCmd as Node | undefined)?.name));
      }
      break;
    }
    case 'DropStmt':
      if (RELATION_DROP_TYPES.has(String(n.removeType))) for (const o of list(n.objects)) out.push(nameListName(o));
      break;
    case 'TruncateStmt':
    case 'LockStmt':
      for (const r of list(n.relations)) out.push(rangeVarName(r));
      break;
    case 'VacuumStmt':
      for (const r of list(n.rels)) out.push(rangeVarName(((r as Node).VacuumRelation as Node | undefined)?.relation));
      break;
    case 'CreateTableAsStmt':
      out.push(rangeVarName((n.into as Node | undefined)?.rel));
      break;
    case 'ViewStmt':
      out.push(rangeVarName(n.view));
      break;
    case 'CreatePolicyStmt':
    case 'AlterPolicyStmt':
      out.push(rangeVarName(n.table));
      break;
    case 'CreateSeqStmt':
    case 'AlterSeqStmt':
      out.push(rangeVarName(n.sequence));
      break;
  }
  return [...new Set(out.filter((x): x is string => x !== undefined))];
}
