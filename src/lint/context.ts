/**
 * "Pre-existing" bookkeeping for one lint run: objects in the catalog after the base replay existed
 * before the change; objects the change created (even if it dropped and re-created a same-named one)
 * did not, and touching them is never a finding.
 */
import type { Statement } from '../sql/types.js';
import { candidateKeys, objectKey, type CatalogEntry, type CatalogSnapshot } from './catalog.js';
import type { CatalogDiff, CatalogObjectKind, RuleContext, StatementTrace } from './rule.js';

export class ChangeTracker {
  private readonly created = new Set<string>();
  private readonly baseline: CatalogSnapshot;

  /** `baseline`: the catalog after the base migrations, before the first new statement. */
  constructor(baseline: CatalogSnapshot) {
    this.baseline = baseline;
  }

  /** Remembers what a traced statement created. */
  record(diff: CatalogDiff): void {
    for (const o of diff.created) this.created.add(objectKey(o.kind, o.name));
  }

  /** True if the object existed on the base and was not (re)created by the change so far. */
  isPreexisting(kind: CatalogObjectKind, name: string): boolean {
    return candidateKeys(kind, name).some((k) => this.baseline.objects.has(k) && !this.created.has(k));
  }

  /**
   * The context rules see for one traced statement; `before` (the catalog just before it) backs
   * `objectsOn`.
   */
  context(file: string, statement: Statement, trace: StatementTrace, before?: CatalogSnapshot): RuleContext {
    const ctx: RuleContext = { file, statement, trace, isPreexisting: (kind, name) => this.isPreexisting(kind, name) };
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
