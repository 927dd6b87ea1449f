/** destructive: DROP SEQUENCE / TYPE / DOMAIN / FUNCTION / PROCEDURE / EXTENSION of an object that existed before the change. */
import type { CatalogObjectKind, Rule, RuleHit } from '../rule.js';
import { dropInfo, relKey } from './ast.js';
import { droppedLine, droppedNow, droppedWhere } from './evidence.js';

const KINDS: Readonly<Record<string, { kind: CatalogObjectKind; what: string; why: string }>> = {
  OBJECT_SEQUENCE: {
    kind: 'sequence',
    what: 'sequence',
    why: 'its current value is lost and inserts that use it fail',
  },
  OBJECT_TYPE: { kind: 'type', what: 'type', why: 'columns and functions using it break' },
  OBJECT_DOMAIN: { kind: 'type', what: 'domain', why: 'columns and functions using it break' },
  OBJECT_FUNCTION: { kind: 'function', what: 'function', why: 'callers (code, triggers, defaults) fail' },
  OBJECT_PROCEDURE: { kind: 'function', what: 'procedure', why: 'callers fail' },
  OBJECT_ROUTINE: { kind: 'function', what: 'routine', why: 'callers fail' },
  OBJECT_AGGREGATE: { kind: 'function', what: 'aggregate', why: 'queries using it fail' },
  OBJECT_EXTENSION: { kind: 'extension', what: 'extension', why: 'its types, functions and operators go with it' },
};

export const dropOther: Rule = {
  id: 'drop-other',
  category: 'destructive',
  defaultSeverity: 'error',
  summary: 'DROP SEQUENCE / TYPE / DOMAIN / FUNCTION / PROCEDURE / EXTENSION of an existing object.',
  docs: `Dropping an existing sequence, type, domain, function, procedure or extension breaks whatever still uses it:
a sequence's current value is lost and inserts that take it fail; columns of a dropped type go with it (CASCADE);
callers of a dropped function (application code, triggers, column defaults) fail.

**Instead:** stop using the object in a deployed release first and drop it in a later migration; to change a
function, prefer \`CREATE OR REPLACE FUNCTION\`. Objects created earlier in the same change are not reported.
Indexes are covered by \`drop-index\` (blocking-lock: dropping an index loses no data), tables, columns, views and
schemas by their own rules. Triggers, policies and rules are not reported: dropping them loses behaviour, not data.`,
  check(ctx) {
    const d = dropInfo(ctx.statement.ast);
    const spec = d ? KINDS[d.removeType] : undefined;
    if (!d || !spec) return [];
    const hits: RuleHit[] = [];
    for (const ref of d.objects) {
      if (spec.kind === 'function') {
        // Functions are named with their argument types in the catalog: find them in the diff.
        const prefix = ref.schema ? `${ref.schema}.${ref.name}(` : undefined;
        const gone = droppedWhere(
          ctx,
          (o) =>
            o.kind === 'function' &&
            (prefix ? o.name.startsWith(prefix) : o.name.split('.').slice(1).join('.').startsWith(`${ref.name}(`)) &&
            ctx.isPreexisting('function', o.name),
        );
        for (const o of gone) {
          hits.push({
            message: `Drops ${spec.what} ${o.name}; ${spec.why}.`,
            suggestion: `Stop calling ${o.name} in a deployed release first and drop it in a later migration; to change it, use CREATE OR REPLACE.`,
            evidence: [droppedLine(o)],
          });
        }
        continue;
      }
      const key = spec.kind === 'extension' ? ref.name : relKey(ref);
      const name =
        spec.kind === 'extension' || ref.schema
          ? key
          : (droppedWhere(ctx, (o) => o.kind === spec.kind && o.name.endsWith(`.${ref.name}`))[0]?.name ??
            `public.${ref.name}`);
      if (!ctx.isPreexisting(spec.kind, key) && !ctx.isPreexisting(spec.kind, name)) continue;
      if (d.missingOk && !droppedNow(ctx, spec.kind, name)) continue;
      hits.push({
        message: `Drops ${spec.what} ${name}; ${spec.why}.`,
        suggestion: `Stop using ${name} in a deployed release first and drop it in a later migration.`,
        evidence: droppedWhere(ctx, (o) => o.kind === spec.kind && o.name === name).map(droppedLine),
      });
    }
    return hits;
  },
};
