/**
 * "Pre-existing" bookkeeping for one lint run: objects in the catalog after the base replay existed
 * before the change; objects the change created (even if it dropped and re-created a same-named one)
 * did not, and touching them is never a finding.
 */
import type { Statement } from '../sql/types.js';
import { candidateKeys, objectKey, type CatalogSnapshot } from './catalog.js';
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

  /** The context rules see for one traced statement. */
  context(file: string, statement: Statement, trace: StatementTrace): RuleContext {
    return { file, statement, trace, isPreexisting: (kind, name) => this.isPreexisting(kind, name) };
  }
}
