/**
 * Small readers for libpg-query parse trees, shared by the rules. Nodes are plain JSON
 * (`{ AlterTableStmt: { relation: {...}, cmds: [...] } }`); these helpers never throw on odd shapes.
 */

export type Node = Record<string, unknown>;

/** `{ Kind: body }` → body when the node is of that kind. */
export function nodeOf(node: unknown, kind: string): Node | undefined {
  if (!node || typeof node !== 'object') return undefined;
  const body = (node as Node)[kind];
  return body && typeof body === 'object' ? (body as Node) : undefined;
}

/** The body of a statement node whatever its kind (`{ DropStmt: {...} }` → `{...}`). */
export function stmtBody(ast: Record<string, unknown>, kind: string): Node | undefined {
  return nodeOf(ast, kind);
}

export function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

export function arr(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

/** `{ String: { sval } }` → sval. */
export function sval(node: unknown): string | undefined {
  return str(nodeOf(node, 'String')?.sval);
}

/** A relation as written: schema (if any) and name. */
export interface RelRef {
  readonly schema?: string;
  readonly name: string;
}

/** `schema.name` when a schema was written, else `name` (what `ctx.isPreexisting` resolves). */
export function relKey(ref: RelRef): string {
  return ref.schema ? `${ref.schema}.${ref.name}` : ref.name;
}

/** A RangeVar body (`{ relname, schemaname? }`), bare or wrapped in `{ RangeVar: ... }`. */
export function rangeVar(node: unknown): RelRef | undefined {
  if (!node || typeof node !== 'object') return undefined;
  const body = nodeOf(node, 'RangeVar') ?? (node as Node);
  const name = str(body.relname);
  if (!name) return undefined;
  const schema = str(body.schemaname);
  return schema ? { schema, name } : { name };
}

/** A dotted name list (`[{String: 'a'}, {String: 't'}]`, or `{ List: { items } }`) → RelRef (last two parts). */
export function nameList(node: unknown): RelRef | undefined {
  const items = nodeOf(node, 'List') ? arr(nodeOf(node, 'List')?.items) : arr(node);
  const parts = items.map(sval).filter((s): s is string => s !== undefined);
  const name = parts[parts.length - 1];
  if (!name) return undefined;
  const schema = parts.length > 1 ? parts[parts.length - 2] : undefined;
  return schema ? { schema, name } : { name };
}

export interface DropInfo {
  /** OBJECT_TABLE, OBJECT_VIEW, … */
  readonly removeType: string;
  readonly cascade: boolean;
  readonly concurrent: boolean;
  /** `IF EXISTS` was written. */
  readonly missingOk: boolean;
  /** The objects named, as written. Functions: name only (no argument types); triggers: `table.trigger` in name. */
  readonly objects: readonly RelRef[];
  /** For OBJECT_TRIGGER/POLICY/RULE: the table the object is on. */
  readonly onTable?: readonly (RelRef | undefined)[];
}

/** Reads a DropStmt; undefined for other statements. */
export function dropInfo(ast: Record<string, unknown>): DropInfo | undefined {
  const d = nodeOf(ast, 'DropStmt');
  if (!d) return undefined;
  const removeType = str(d.removeType) ?? '';
  const objects: RelRef[] = [];
  for (const o of arr(d.objects)) {
    const s = sval(o);
    if (s !== undefined) {
      objects.push({ name: s });
      continue;
    }
    const tn = nodeOf(o, 'TypeName');
    if (tn) {
      const r = nameList(tn.names);
      if (r) objects.push(r);
      continue;
    }
    const owa = nodeOf(o, 'ObjectWithArgs');
    if (owa) {
      const r = nameList(owa.objname);
      if (r) objects.push(r);
      continue;
    }
    const r = nameList(o);
    if (r) objects.push(r);
  }
  return {
    removeType,
    cascade: str(d.behavior) === 'DROP_CASCADE',
    concurrent: d.concurrent === true,
    missingOk: d.missing_ok === true,
    objects,
  };
}

export interface AlterCmd {
  readonly subtype: string;
  readonly name?: string;
  readonly def?: unknown;
  readonly behavior?: string;
  /** `IF EXISTS` / `IF NOT EXISTS` was written. */
  readonly missingOk: boolean;
}

export interface AlterTableInfo {
  readonly relation: RelRef;
  /** OBJECT_TABLE, OBJECT_INDEX, OBJECT_MATVIEW, … */
  readonly objtype: string;
  readonly cmds: readonly AlterCmd[];
}

/** Reads an AlterTableStmt; undefined for other statements. */
export function alterTable(ast: Record<string, unknown>): AlterTableInfo | undefined {
  const a = nodeOf(ast, 'AlterTableStmt');
  if (!a) return undefined;
  const relation = rangeVar(a.relation);
  if (!relation) return undefined;
  const cmds: AlterCmd[] = [];
  for (const c of arr(a.cmds)) {
    const cmd = nodeOf(c, 'AlterTableCmd');
    if (!cmd) continue;
    cmds.push({
      subtype: str(cmd.subtype) ?? '',
      name: str(cmd.name),
      def: cmd.def,
      behavior: str(cmd.behavior),
      missingOk: cmd.missing_ok === true,
    });
  }
  return { relation, objtype: str(a.objtype) ?? 'OBJECT_TABLE', cmds };
}

/** ALTER TABLE on a table (not ALTER INDEX / VIEW / SEQUENCE …). */
export function alterTableOnTable(ast: Record<string, unknown>): AlterTableInfo | undefined {
  const a = alterTable(ast);
  return a && (a.objtype === 'OBJECT_TABLE' || a.objtype === 'OBJECT_FOREIGN_TABLE') ? a : undefined;
}

export interface ConstraintInfo {
  /** CONSTR_CHECK, CONSTR_FOREIGN, CONSTR_UNIQUE, CONSTR_PRIMARY, CONSTR_NOTNULL, CONSTR_DEFAULT, CONSTR_EXCLUSION, … */
  readonly contype: string;
  readonly name?: string;
  /** NOT VALID was written. */
  readonly notValid: boolean;
  /** `USING INDEX idx` (UNIQUE/PRIMARY KEY on an existing index). */
  readonly usingIndex?: string;
  readonly raw: Node;
}

export function constraint(node: unknown): ConstraintInfo | undefined {
  const c = nodeOf(node, 'Constraint');
  if (!c) return undefined;
  return {
    contype: str(c.contype) ?? '',
    name: str(c.conname),
    notValid: c.skip_validation === true,
    usingIndex: str(c.indexname),
    raw: c,
  };
}

export interface ColumnDefInfo {
  readonly name?: string;
  readonly typeName?: Node;
  readonly constraints: readonly ConstraintInfo[];
}

export function columnDef(node: unknown): ColumnDefInfo | undefined {
  const c = nodeOf(node, 'ColumnDef');
  if (!c) return undefined;
  const constraints = arr(c.constraints)
    .map(constraint)
    .filter((x): x is ConstraintInfo => x !== undefined);
  return {
    name: str(c.colname),
    typeName: nodeOf(c.typeName, 'TypeName') ?? (c.typeName as Node | undefined),
    constraints,
  };
}

/** `ADD COLUMN` / `ADD CONSTRAINT` pairs of an ALTER TABLE: every constraint the statement adds, with its column (inline) if any. */
export function addedConstraints(
  a: AlterTableInfo,
): { readonly constraint: ConstraintInfo; readonly column?: string }[] {
  const out: { constraint: ConstraintInfo; column?: string }[] = [];
  for (const cmd of a.cmds) {
    if (cmd.subtype === 'AT_AddConstraint') {
      const c = constraint(cmd.def);
      if (c) out.push({ constraint: c });
    } else if (cmd.subtype === 'AT_AddColumn') {
      const col = columnDef(cmd.def);
      for (const c of col?.constraints ?? []) out.push({ constraint: c, column: col?.name });
    }
  }
  return out;
}

/** The option names of a VACUUM (`full`, `analyze`, …) or REINDEX (`concurrently`) statement. */
export function defElemNames(list: unknown): string[] {
  return arr(list)
    .map((d) => str(nodeOf(d, 'DefElem')?.defname))
    .filter((x): x is string => x !== undefined)
    .map((x) => x.toLowerCase());
}

/** The statement's text shortened for messages. */
export function short(text: string, max = 80): string {
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length > max ? `${one.slice(0, max - 1)}…` : one;
}

/** Quotes an identifier for a suggested SQL snippet when it needs it. */
export function ident(name: string): string {
  return /^[a-z_][a-z0-9_$]*$/.test(name) ? name : `"${name.replace(/"/g, '""')}"`;
}

/** `schema.name` / `name` quoted for SQL. */
export function sqlName(ref: RelRef): string {
  return ref.schema ? `${ident(ref.schema)}.${ident(ref.name)}` : ident(ref.name);
}
