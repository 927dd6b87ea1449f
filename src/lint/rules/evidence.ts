/**
 * Evidence and naming helpers shared by the rules: qualified names as the tracer saw them, locks taken,
 * relfilenode changes and dropped objects, phrased the way a reviewer reads them.
 */
import { lockRank } from '../lock-modes.js';
import type { CatalogObject, CatalogObjectKind, RuleContext } from '../rule.js';
import { ident, relKey, type RelRef } from './ast.js';

/**
 * The qualified name the tracer reported (a lock, drop, rewrite, change or creation of `<schema>.<name>`)
 * for a relation written without schema; undefined when it saw none.
 */
export function traced(ctx: RuleContext, ref: RelRef): string | undefined {
  const suffix = `.${ref.name}`;
  const t = ctx.trace;
  const candidates = [
    ...t.locks.map((l) => l.relation),
    ...t.rewritten,
    ...t.diff.dropped.map((o) => o.name),
    ...t.diff.changed.map((c) => c.object.table ?? c.object.name),
    ...t.diff.created.map((o) => o.table ?? o.name),
  ];
  return candidates.find((n) => n.endsWith(suffix) && n.split('.').length === 2);
}

/** The qualified name of a relation written as `ref`: as written, else as the tracer saw it, else `public.<name>`. */
export function qualified(ctx: RuleContext, ref: RelRef): string {
  if (ref.schema) return `${ref.schema}.${ref.name}`;
  return traced(ctx, ref) ?? `public.${ref.name}`;
}

/**
 * `check` on the name of the relation written as `ref` (with `.column` appended when given): as written (the engine
 * resolves an unqualified name against `public`), then, unqualified, as the tracer saw it, which covers migrations
 * that run with another search_path.
 */
function resolvesTo(ctx: RuleContext, ref: RelRef, check: (name: string) => boolean, column?: string): boolean {
  const named = (relation: string): string => (column === undefined ? relation : `${relation}.${column}`);
  if (check(named(relKey(ref)))) return true;
  if (ref.schema) return false;
  const seen = traced(ctx, ref);
  return seen !== undefined && check(named(seen));
}

/** RuleContext.isBaseName, or isPreexisting where the context has no name history. */
export function isBaseName(ctx: RuleContext, kind: CatalogObjectKind, name: string): boolean {
  return ctx.isBaseName ? ctx.isBaseName(kind, name) : ctx.isPreexisting(kind, name);
}

/** Whether the relation as written existed before the change (not created earlier in the same change). */
export function preexisting(ctx: RuleContext, kind: CatalogObjectKind, ref: RelRef): boolean {
  return resolvesTo(ctx, ref, (name) => ctx.isPreexisting(kind, name));
}

/**
 * Whether the relation written as `ref` has had this name since the base (see RuleContext.isBaseName): what the
 * rename rules ask, since only code using a base name can break.
 */
export function baseNamed(ctx: RuleContext, kind: CatalogObjectKind, ref: RelRef): boolean {
  return resolvesTo(ctx, ref, (name) => isBaseName(ctx, kind, name));
}

/** baseNamed for column `column` of the relation written as `ref`. */
export function baseNamedColumn(ctx: RuleContext, ref: RelRef, column: string): boolean {
  return resolvesTo(ctx, ref, (name) => isBaseName(ctx, 'column', name), column);
}

/** Whether column `column` of the relation written as `ref` existed before the change (same resolution as `preexisting`). */
export function preexistingColumn(ctx: RuleContext, ref: RelRef, column: string): boolean {
  return resolvesTo(ctx, ref, (name) => ctx.isPreexisting('column', name), column);
}

/**
 * `AccessExclusiveLock on public.users`: the strongest lock held on the relation (on every locked relation
 * when omitted, in the tracer's order). Weaker locks the same statement also took say nothing more.
 */
export function lockEvidence(ctx: RuleContext, relation?: string): string[] {
  const strongest = new Map<string, { mode: string; earlier: boolean }>();
  for (const l of [...ctx.trace.locks, ...(ctx.trace.heldLocks ?? [])]) {
    if (relation !== undefined && l.relation !== relation) continue;
    const had = strongest.get(l.relation);
    if (had === undefined || lockRank(l.mode) > lockRank(had.mode))
      strongest.set(l.relation, { mode: l.mode, earlier: l.earlier === true });
  }
  return [...strongest].map(
    ([rel, l]) => `${l.mode} on ${rel}${l.earlier ? ' (held since an earlier statement of the file)' : ''}`,
  );
}

/** A qualified catalog name (`public.Users`) written as SQL (`public."Users"`), for suggestions. */
export function sqlQualified(name: string): string {
  return name.split('.').map(ident).join('.');
}

/** `relfilenode changed: public.users rewritten` for the table when the tracer saw it. */
export function rewriteEvidence(ctx: RuleContext, relation: string): string[] {
  return ctx.trace.rewritten.includes(relation) ? [`relfilenode changed: ${relation} rewritten`] : [];
}

/**
 * Whether a catalog name is `wanted`. Tolerates catalog names cut at PostgreSQL's 63-byte identifier limit
 * (a catalog query that concatenates names into the `name` type truncates the whole qualified string).
 */
export function sameName(catalogName: string, wanted: string): boolean {
  return catalogName === wanted || (Buffer.byteLength(catalogName) === 63 && wanted.startsWith(catalogName));
}

/**
 * Whether the statement really dropped the object (for `DROP … IF EXISTS`, which does nothing when an earlier
 * statement of the change already dropped it). True when the statement failed: then there is no diff to ask.
 */
export function droppedNow(ctx: RuleContext, kind: CatalogObjectKind, name: string): boolean {
  return ctx.trace.error !== undefined || ctx.trace.diff.dropped.some((o) => o.kind === kind && sameName(o.name, name));
}

/** `dropped: column public.users.email`. */
export function droppedLine(o: CatalogObject): string {
  return `dropped: ${o.kind} ${o.name}`;
}

/** The objects the statement dropped that satisfy `pick`. */
export function droppedWhere(ctx: RuleContext, pick: (o: CatalogObject) => boolean): CatalogObject[] {
  return ctx.trace.diff.dropped.filter(pick);
}

/** The relation kinds whose parts (columns, indexes, constraints, triggers) go with them. */
const CONTAINERS: ReadonlySet<CatalogObjectKind> = new Set(['table', 'view', 'matview']);

/**
 * Leaves out objects that are parts of another object in the list (columns/indexes/constraints/triggers of a
 * dropped table or view, everything inside a dropped schema), so a list names what a reviewer cares about.
 */
export function collapseParts(objects: readonly CatalogObject[]): CatalogObject[] {
  const containers = new Set(objects.filter((o) => CONTAINERS.has(o.kind)).map((o) => o.name));
  const schemas = objects.filter((o) => o.kind === 'schema').map((o) => `${o.name}.`);
  return objects.filter((o) => {
    if (o.kind !== 'schema' && schemas.some((s) => o.name.startsWith(s))) return false;
    if (o.table && containers.has(o.table)) return false;
    if (o.kind === 'sequence' && isOwnedSequenceOf(o.name, containers)) return false;
    return true;
  });
}

/**
 * A sequence that follows PostgreSQL's naming of serial/identity sequences (`<table>_<column>_seq`) of a
 * table in the set: dropped with its table, not a separate victim.
 */
export function isOwnedSequenceOf(sequence: string, tables: ReadonlySet<string>): boolean {
  if (!sequence.endsWith('_seq')) return false;
  for (const t of tables) if (sequence.startsWith(`${t}_`)) return true;
  return false;
}

/** `a, b and 3 more` for messages. */
export function listNames(names: readonly string[], max = 3): string {
  if (names.length <= max)
    return names.length > 1 ? `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}` : (names[0] ?? '');
  return `${names.slice(0, max).join(', ')} and ${names.length - max} more`;
}

/** Whether the object of the catalog diff existed before the change. */
export function objectPreexisting(ctx: RuleContext, o: CatalogObject): boolean {
  return ctx.isPreexisting(o.kind, o.name);
}
