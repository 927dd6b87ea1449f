/**
 * "Pre-existing" bookkeeping for one lint run: objects in the catalog after the base replay existed
 * before the change; objects the change created (even if it dropped and re-created a same-named one)
 * did not, and touching them is never a finding.
 */
import type { Statement } from '../sql/types.js';
import { candidateKeys, objectKey, type CatalogEntry, type CatalogSnapshot } from './catalog.js';
import type { CatalogDiff, CatalogObjectKind, RuleContext, StatementTrace } from './rule.js';

const RELATION_KINDS = ['table', 'view', 'matview', 'index', 'sequence'] as const;

/** The first of `keys` that `snapshot` holds with an identity, and that identity. */
function identOf(
  snapshot: CatalogSnapshot | undefined,
  keys: readonly string[],
): { key: string; ident: string } | undefined {
  for (const key of keys) {
    const ident = snapshot?.objects.get(key)?.ident;
    if (ident) return { key, ident };
  }
  return undefined;
}

export class ChangeTracker {
  private readonly created = new Set<string>();
  private readonly baseline: CatalogSnapshot;
  /** Identities (oid, attnum) of the objects on the base: they follow an object through renames and SET SCHEMA. */
  private readonly baseIdents = new Set<string>();

  /** `baseline`: the catalog after the base migrations, before the first new statement. */
  constructor(baseline: CatalogSnapshot) {
    this.baseline = baseline;
    for (const e of baseline.objects.values()) if (e.ident) this.baseIdents.add(e.ident);
  }

  /** Remembers what a traced statement created (a renamed object's new name is not a creation). */
  record(diff: CatalogDiff): void {
    const moved = new Set((diff.renamed ?? []).map((r) => objectKey(r.to.kind, r.to.name)));
    for (const o of diff.created) {
      const key = objectKey(o.kind, o.name);
      if (!moved.has(key)) this.created.add(key);
    }
  }

  /**
   * True if the object existed on the base and was not (re)created by the change so far. `current` (the catalog just
   * before the statement) resolves the name to its identity, so a base table renamed earlier in the change is still
   * the base table under its new name, and a dropped and re-created one is new.
   */
  isPreexisting(kind: CatalogObjectKind, name: string, current?: CatalogSnapshot, next?: CatalogSnapshot): boolean {
    const keys = candidateKeys(kind, name);
    // The name as it was before the statement, else as the statement left it (a name it gave, e.g. a DO block
    // that rewrote a table and then renamed it: the rewritten table is reported under its new name).
    const found = identOf(current, keys) ?? identOf(next, keys);
    if (found) return this.baseIdents.has(found.ident);
    return keys.some((k) => this.baseline.objects.has(k) && !this.created.has(k));
  }

  /**
   * Whether the object has this name since the base (same identity, same name there): renaming it breaks code that
   * uses the name. False for a name given in the change, even to a base object (renamed twice, swapped via a
   * temporary name).
   */
  isBaseName(kind: CatalogObjectKind, name: string, current?: CatalogSnapshot): boolean {
    const found = identOf(current, candidateKeys(kind, name));
    if (found) return this.baseline.objects.get(found.key)?.ident === found.ident;
    return this.isPreexisting(kind, name, current);
  }

  /** Whether a relation (table, view, index, sequence) of this qualified name in `current` existed on the base. */
  isPreexistingRelation(name: string, current: CatalogSnapshot): boolean {
    const found = identOf(
      current,
      RELATION_KINDS.map((kind) => objectKey(kind, name)),
    );
    return found !== undefined && this.baseIdents.has(found.ident);
  }

  /**
   * The context rules see for one traced statement; `before` (the catalog just before it) backs
   * `objectsOn`.
   */
  context(
    file: string,
    statement: Statement,
    trace: StatementTrace,
    before?: CatalogSnapshot,
    fileStatements?: readonly Statement[],
    after?: CatalogSnapshot,
  ): RuleContext {
    const ctx: RuleContext = {
      file,
      statement,
      ...(fileStatements ? { fileStatements } : {}),
      trace,
      isPreexisting: (kind, name) => this.isPreexisting(kind, name, before, after),
      isBaseName: (kind, name) => this.isBaseName(kind, name, before),
    };
    if (!before) return ctx;
    let byTable: Map<string, CatalogEntry[]> | undefined;
    const objectsOn = (table: string): readonly CatalogEntry[] => {
      if (!byTable) {
        byTable = new Map();
        for (const e of before.objects.values()) {
          if (!e.object.table) continue;
          const list = byTable.get(e.object.table);
          if (list) list.push(e);
          else byTable.set(e.object.table, [e]);
        }
      }
      const name = table.replace(/"/g, '');
      return byTable.get(name) ?? (name.includes('.') ? [] : (byTable.get(`public.${name}`) ?? []));
    };
    return { ...ctx, objectsOn };
  }
}
