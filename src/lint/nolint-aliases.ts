/**
 * Names other tools use in their own nolint spellings, mapped to our rule ids or categories, so an
 * existing `-- atlas:nolint DS103` or `-- squawk-ignore ban-drop-column` keeps working. Our own ids
 * and categories are accepted in every spelling; these aliases only in their tool's spelling.
 */
import type { NolintDirective } from '../sql/types.js';

type Aliases = Readonly<Record<string, readonly string[]>>;

/** Atlas analyzer names and check codes (https://atlasgo.io/lint/analyzers). */
const ATLAS: Aliases = {
  destructive: ['destructive'],
  data_depend: ['data-dependent'],
  incompatible: ['backward-incompatible'],
  concurrent_index: ['create-index-blocking', 'drop-index'],
  ds101: ['drop-schema'],
  ds102: ['drop-table'],
  ds103: ['drop-column'],
  bc101: ['rename-table'],
  bc102: ['rename-column'],
  mf101: ['add-unique'],
  mf103: ['add-column-not-null-no-default'],
  mf104: ['set-not-null'],
  pg101: ['create-index-blocking'],
  pg102: ['drop-index'],
};

/** Squawk rule names (https://squawkhq.com/docs/rules). */
const SQUAWK: Aliases = {
  'ban-drop-column': ['drop-column'],
  'ban-drop-table': ['drop-table'],
  'ban-drop-database': ['drop-other'],
  'ban-truncate-cascade': ['truncate', 'cascade-drop'],
  'renaming-column': ['rename-column'],
  'renaming-table': ['rename-table'],
  'require-concurrent-index-creation': ['create-index-blocking'],
  'require-concurrent-index-deletion': ['drop-index'],
  'adding-not-nullable-field': ['set-not-null', 'add-column-not-null-no-default'],
  'adding-required-field': ['add-column-not-null-no-default'],
  'adding-field-with-default': ['table-rewrite'],
  'changing-column-type': ['table-rewrite', 'narrowing-type'],
  'constraint-missing-not-valid': ['add-constraint-validating', 'validated-constraint'],
  'adding-foreign-key-constraint': ['add-constraint-validating', 'validated-constraint'],
  'adding-serial-primary-key-field': ['table-rewrite', 'add-unique'],
  'disallowed-unique-constraint': ['add-unique'],
};

/** Whether one directive silences the rule (no names: everything). */
export function directiveSilences(d: NolintDirective, ruleId: string, category: string): boolean {
  if (d.names.length === 0) return true;
  const aliases = d.source === 'atlas' ? ATLAS : d.source === 'squawk' ? SQUAWK : undefined;
  return d.names.some((raw) => {
    const n = raw.toLowerCase();
    if (n === ruleId || n === category) return true;
    const mapped = aliases?.[n];
    return mapped !== undefined && (mapped.includes(ruleId) || mapped.includes(category));
  });
}
