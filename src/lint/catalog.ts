/**
 * Catalog snapshots of the dev database and the diff between two of them: what a statement created,
 * dropped or changed, whichever way it did it (CASCADE victims and DROPs run by dynamic SQL in DO
 * blocks show up here even though the statement's AST does not name them).
 *
 * One query reads every user object (system schemas and objects owned by extensions excluded).
 */
import type { CatalogChange, CatalogDiff, CatalogObject, CatalogObjectKind, CatalogRename } from './rule.js';

/** The minimal client surface the tracer needs (a `pg` Client or PoolClient satisfies it). */
export interface Queryable {
  query(text: string): Promise<unknown>;
}

export interface CatalogEntry {
  readonly object: CatalogObject;
  /** Comparable definition (type, nullability, default, validation, enum values, …); a change of it is a CatalogChange. */
  readonly def: string;
  /**
   * Identity that survives renames and SET SCHEMA (`c<oid>` for relations, `a<attrelid>.<attnum>` for columns, …);
   * a dropped and re-created object gets a new one.
   */
  readonly ident?: string;
}

/** A relation (table, index, view, matview, sequence) by oid, for lock attribution and rewrite detection. */
export interface RelationInfo {
  /** Qualified name, `public.users`. */
  readonly name: string;
  /** pg_class.relkind: r, p, i, I, v, m, S, f. */
  readonly relkind: string;
  readonly relfilenode: string;
}

export interface CatalogSnapshot {
  /** Keyed by `${kind}:${name}`. */
  readonly objects: ReadonlyMap<string, CatalogEntry>;
  /** User relations by oid (as a decimal string). */
  readonly relations: ReadonlyMap<string, RelationInfo>;
}

export function objectKey(kind: CatalogObjectKind, name: string): string {
  return `${kind}:${name}`;
}

const USER_NS = `n.nspname <> 'information_schema' AND n.nspname NOT LIKE 'pg\\_%'`;

/**
 * Catalog rows written by the current transaction or its subtransactions: `age(xmin)` is 0 for our own
 * XID and negative for our subtransactions' (DO blocks with EXCEPTION), positive for anything committed
 * before, INT_MAX for frozen rows. Relations with any such row (their own, a column, default,
 * constraint, index, rewrite rule or trigger) are "touched": only their definitions are re-read.
 */
const TOUCHED_CTE = `touched AS (
  SELECT oid FROM pg_class WHERE age(xmin) <= 0
  UNION SELECT attrelid FROM pg_attribute WHERE age(xmin) <= 0
  UNION SELECT adrelid FROM pg_attrdef WHERE age(xmin) <= 0
  UNION SELECT conrelid FROM pg_constraint WHERE age(xmin) <= 0
  UNION SELECT indrelid FROM pg_index WHERE age(xmin) <= 0
  UNION SELECT indexrelid FROM pg_index WHERE age(xmin) <= 0
  UNION SELECT ev_class FROM pg_rewrite WHERE age(xmin) <= 0
  UNION SELECT tgrelid FROM pg_trigger WHERE age(xmin) <= 0
)`;

/**
 * Every user object as (kind, name, tbl, def, oid, filenode). Names are unquoted and schema-qualified,
 * the way CatalogObject documents them.
 *
 * `incremental`: definitions (the expensive part: deparsing) only for objects the current transaction
 * touched, NULL for the others (= unchanged: take them from the previous snapshot). Names, oids and
 * relfilenodes are always read, so creations, drops (CASCADE, dynamic SQL) and rewrites are complete.
 * Known limit: a view or foreign key whose text changes only because a column it references was
 * renamed keeps its old definition text (the rename itself is seen).
 */
export function catalogSql(incremental: boolean): string {
  const t = (rel: string): string => `${rel} IN (SELECT oid FROM touched)`;
  const def = (cond: string, expr: string): string => (incremental ? `CASE WHEN ${cond} THEN ${expr} END` : expr);
  return `
WITH ext AS (
  SELECT classid, objid FROM pg_depend WHERE deptype = 'e'
)${incremental ? `, ${TOUCHED_CTE}` : ''}
SELECT 'schema' AS kind, n.nspname AS name, NULL AS tbl, '' AS def, NULL AS oid, NULL AS filenode, 'n' || n.oid AS ident
  FROM pg_namespace n
 WHERE ${USER_NS}
   AND NOT EXISTS (SELECT 1 FROM ext WHERE ext.classid = 'pg_namespace'::regclass AND ext.objid = n.oid)
UNION ALL
SELECT CASE c.relkind WHEN 'r' THEN 'table' WHEN 'p' THEN 'table' WHEN 'f' THEN 'table'
                      WHEN 'v' THEN 'view' WHEN 'm' THEN 'matview' WHEN 'S' THEN 'sequence'
                      ELSE 'index' END,
       n.nspname || '.' || c.relname,
       CASE WHEN c.relkind IN ('i', 'I') THEN tn.nspname || '.' || t.relname END,
       ${def(
         `(${t('c.oid')} OR ${t('i.indrelid')})`,
         `CASE c.relkind
         WHEN 'v' THEN md5(pg_get_viewdef(c.oid))
         WHEN 'm' THEN md5(pg_get_viewdef(c.oid))
         WHEN 'S' THEN ''
         WHEN 'i' THEN pg_get_indexdef(c.oid) || CASE WHEN i.indisvalid THEN '' ELSE ' INVALID' END
         WHEN 'I' THEN pg_get_indexdef(c.oid) || CASE WHEN i.indisvalid THEN '' ELSE ' INVALID' END
         ELSE CASE c.relpersistence WHEN 'u' THEN 'UNLOGGED' ELSE '' END
              || CASE c.relkind WHEN 'p' THEN ' PARTITIONED' WHEN 'f' THEN ' FOREIGN' ELSE '' END
       END`,
       )},
       c.oid::text,
       c.relkind::text || ':' || c.relfilenode::text,
       'c' || c.oid
  FROM pg_class c
  JOIN pg_namespace n ON n.oid = c.relnamespace
  LEFT JOIN pg_index i ON i.indexrelid = c.oid
  LEFT JOIN pg_class t ON t.oid = i.indrelid
  LEFT JOIN pg_namespace tn ON tn.oid = t.relnamespace
 WHERE c.relkind IN ('r', 'p', 'f', 'v', 'm', 'S', 'i', 'I')
   AND ${USER_NS} AND c.relpersistence <> 't'
   AND NOT EXISTS (SELECT 1 FROM ext WHERE ext.classid = 'pg_class'::regclass AND ext.objid = c.oid)
UNION ALL
SELECT 'column', n.nspname || '.' || c.relname || '.' || a.attname, n.nspname || '.' || c.relname,
       ${def(
         t('a.attrelid'),
         `format_type(a.atttypid, a.atttypmod)
         || CASE WHEN a.attnotnull THEN ' NOT NULL' ELSE '' END
         || CASE WHEN a.attidentity <> '' THEN ' IDENTITY' ELSE '' END
         || CASE WHEN a.attgenerated <> '' THEN ' GENERATED AS ' || coalesce(pg_get_expr(d.adbin, d.adrelid), '')
                 WHEN d.adbin IS NOT NULL THEN ' DEFAULT ' || pg_get_expr(d.adbin, d.adrelid) ELSE '' END`,
       )},
       NULL, NULL, 'a' || a.attrelid || '.' || a.attnum
  FROM pg_attribute a
  JOIN pg_class c ON c.oid = a.attrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace
  LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
 WHERE a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'p', 'f')
   AND ${USER_NS} AND c.relpersistence <> 't'
   AND NOT EXISTS (SELECT 1 FROM ext WHERE ext.classid = 'pg_class'::regclass AND ext.objid = c.oid)
UNION ALL
SELECT 'constraint', n.nspname || '.' || c.relname || '.' || k.conname, n.nspname || '.' || c.relname,
       ${def(`(${t('k.conrelid')} OR ${t('k.confrelid')})`, 'pg_get_constraintdef(k.oid)')},  -- ends with NOT VALID while unvalidated
       NULL, NULL, 'k' || k.oid
  FROM pg_constraint k
  JOIN pg_class c ON c.oid = k.conrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE ${USER_NS} AND c.relpersistence <> 't'
UNION ALL
SELECT 'type', n.nspname || '.' || t.typname, NULL,
       CASE t.typtype
         WHEN 'e' THEN 'ENUM (' || coalesce((SELECT string_agg(quote_literal(e.enumlabel), ', ' ORDER BY e.enumsortorder)
                                               FROM pg_enum e WHERE e.enumtypid = t.oid), '') || ')'
         WHEN 'd' THEN 'DOMAIN ' || format_type(t.typbasetype, t.typtypmod) || CASE WHEN t.typnotnull THEN ' NOT NULL' ELSE '' END
         WHEN 'c' THEN 'COMPOSITE'
         WHEN 'r' THEN 'RANGE'
         WHEN 'm' THEN 'MULTIRANGE'
         ELSE t.typtype::text END,
       NULL, NULL, 't' || t.oid
  FROM pg_type t
  JOIN pg_namespace n ON n.oid = t.typnamespace
  LEFT JOIN pg_class tc ON tc.oid = t.typrelid
 WHERE ${USER_NS}
   AND t.typtype IN ('e', 'd', 'c', 'r', 'm')
   AND (t.typtype <> 'c' OR tc.relkind = 'c')
   AND NOT EXISTS (SELECT 1 FROM ext WHERE ext.classid = 'pg_type'::regclass AND ext.objid = t.oid)
UNION ALL
SELECT 'function', n.nspname || '.' || p.proname || '(' || oidvectortypes(p.proargtypes) || ')', NULL,
       ${def('age(p.xmin) <= 0', `p.prokind::text || ' ' || format_type(p.prorettype, NULL) || ' ' || md5(coalesce(p.prosrc, ''))`)},
       NULL, NULL, 'p' || p.oid
  FROM pg_proc p
  JOIN pg_namespace n ON n.oid = p.pronamespace
 WHERE ${USER_NS}
   AND NOT EXISTS (SELECT 1 FROM ext WHERE ext.classid = 'pg_proc'::regclass AND ext.objid = p.oid)
UNION ALL
SELECT 'trigger', n.nspname || '.' || c.relname || '.' || tg.tgname, n.nspname || '.' || c.relname,
       ${def(t('tg.tgrelid'), `md5(pg_get_triggerdef(tg.oid)) || CASE tg.tgenabled WHEN 'D' THEN ' DISABLED' ELSE '' END`)},
       NULL, NULL, 'g' || tg.oid
  FROM pg_trigger tg
  JOIN pg_class c ON c.oid = tg.tgrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE NOT tg.tgisinternal AND ${USER_NS} AND c.relpersistence <> 't'
UNION ALL
SELECT 'extension', x.extname, NULL, x.extversion, NULL, NULL, 'x' || x.oid
  FROM pg_extension x
 WHERE x.extname <> 'plpgsql'
`;
}

/** The full catalog query (every definition read). */
export const CATALOG_SQL = catalogSql(false);

/** The incremental catalog query, to run inside the transaction of the statement just executed. */
export const INCREMENTAL_CATALOG_SQL = catalogSql(true);

export interface CatalogRow {
  kind: CatalogObjectKind;
  name: string;
  tbl: string | null;
  def: string | null;
  oid: string | null;
  filenode: string | null;
  ident?: string | null;
}

/**
 * Builds a snapshot from the rows of CATALOG_SQL, or of INCREMENTAL_CATALOG_SQL with `previous`
 * (the snapshot before the statement) supplying the definitions the query left NULL.
 */
export function snapshotFromRows(rows: readonly CatalogRow[], previous?: CatalogSnapshot): CatalogSnapshot {
  const objects = new Map<string, CatalogEntry>();
  const relations = new Map<string, RelationInfo>();
  for (const r of rows) {
    const object: CatalogObject = r.tbl ? { kind: r.kind, name: r.name, table: r.tbl } : { kind: r.kind, name: r.name };
    const key = objectKey(r.kind, r.name);
    const def = r.def ?? previous?.objects.get(key)?.def ?? '';
    objects.set(key, r.ident ? { object, def, ident: r.ident } : { object, def });
    if (r.oid && r.filenode) {
      const colon = r.filenode.indexOf(':');
      relations.set(r.oid, {
        name: r.name,
        relkind: r.filenode.slice(0, colon),
        relfilenode: r.filenode.slice(colon + 1),
      });
    }
  }
  return { objects, relations };
}

/** Reads every user object of the database the client is connected to (one round trip). */
export async function snapshotCatalog(client: Queryable): Promise<CatalogSnapshot> {
  const res = (await client.query(CATALOG_SQL)) as { rows: CatalogRow[] };
  return snapshotFromRows(res.rows);
}

/** What changed between two snapshots. Objects are listed in catalog order (tables before their columns). */
export function diffCatalog(before: CatalogSnapshot, after: CatalogSnapshot): CatalogDiff {
  const created: CatalogObject[] = [];
  const dropped: CatalogObject[] = [];
  const changed: CatalogChange[] = [];
  for (const [key, a] of after.objects) {
    const b = before.objects.get(key);
    if (!b) created.push(a.object);
    else if (b.def !== a.def) changed.push({ object: a.object, before: b.def, after: a.def });
  }
  for (const [key, b] of before.objects) {
    if (!after.objects.has(key)) dropped.push(b.object);
  }
  return { created, dropped, changed, ...identityChanges(before, after) };
}

/**
 * What names alone do not show. `renamed`: objects still there under another name (same identity: renames, SET
 * SCHEMA, an index that became a constraint's with `USING INDEX`, a table's columns moving with it), also when a new
 * object took the old name. `replaced`: a name whose object was dropped and another created under it (`DROP TABLE
 * t; CREATE TABLE t …` in one DO block) — the old object and its data are gone.
 */
function identityChanges(
  before: CatalogSnapshot,
  after: CatalogSnapshot,
): { renamed: CatalogRename[]; replaced: CatalogObject[] } {
  const byIdent = new Map<string, CatalogEntry>();
  for (const e of after.objects.values()) if (e.ident) byIdent.set(e.ident, e);
  const renamed: CatalogRename[] = [];
  const replaced: CatalogObject[] = [];
  for (const [key, b] of before.objects) {
    if (!b.ident) continue;
    const now = byIdent.get(b.ident);
    if (now && objectKey(now.object.kind, now.object.name) !== key) renamed.push({ from: b.object, to: now.object });
    const sameName = after.objects.get(key);
    if (!now && sameName?.ident && sameName.ident !== b.ident) replaced.push(b.object);
  }
  return { renamed, replaced };
}

/**
 * Tables and materialized views present in both snapshots (same oid) whose relfilenode changed:
 * the statement rewrote them (or truncated them).
 */
export function rewrittenRelations(before: CatalogSnapshot, after: CatalogSnapshot): string[] {
  const out: string[] = [];
  for (const [oid, b] of before.relations) {
    if (b.relkind !== 'r' && b.relkind !== 'm') continue;
    const a = after.relations.get(oid);
    if (a && a.relfilenode !== b.relfilenode) out.push(a.name);
  }
  return out;
}

/** Strips identifier quotes: `"Users"` → `Users`, `public."Users"` → `public.Users`. */
function unquote(name: string): string {
  return name.replace(/"/g, '');
}

/**
 * The keys a name may denote: qualified names as given, unqualified ones (relation `users`, column
 * `users.email`) also resolved against `public` (the default search_path).
 */
export function candidateKeys(kind: CatalogObjectKind, name: string): string[] {
  const n = unquote(name);
  if (kind === 'schema' || kind === 'extension') return [objectKey(kind, n)];
  return [objectKey(kind, n), objectKey(kind, `public.${n}`)];
}

/** Whether the snapshot holds the object (see candidateKeys for accepted names). */
export function snapshotHas(snapshot: CatalogSnapshot, kind: CatalogObjectKind, name: string): boolean {
  return candidateKeys(kind, name).some((k) => snapshot.objects.has(k));
}
