/** Every lint rule, in the order findings of one statement are listed (by category, then rule). */
import type { Rule } from '../rule.js';
import { accessExclusiveLockRule } from './access-exclusive-lock.js';
import { addColumnNotNullNoDefault } from './add-column-not-null-no-default.js';
import { addConstraintValidating } from './add-constraint-validating.js';
import { addUnique } from './add-unique.js';
import { cascadeDrop } from './cascade-drop.js';
import { cluster } from './cluster.js';
import { createIndexBlocking } from './create-index-blocking.js';
import { deleteWithoutWhere } from './delete-without-where.js';
import { dropColumn } from './drop-column.js';
import { dropIndex } from './drop-index.js';
import { dropOther } from './drop-other.js';
import { dropSchema } from './drop-schema.js';
import { dropTable } from './drop-table.js';
import { dropView } from './drop-view.js';
import { dynamicDrop } from './dynamic-drop.js';
import { dynamicRename } from './dynamic-rename.js';
import { narrowingType } from './narrowing-type.js';
import { refreshMatviewBlocking } from './refresh-matview-blocking.js';
import { reindexBlocking } from './reindex-blocking.js';
import { renameColumn } from './rename-column.js';
import { renameSchema } from './rename-schema.js';
import { renameTable } from './rename-table.js';
import { renameView } from './rename-view.js';
import { setNotNull } from './set-not-null.js';
import { setSchema } from './set-schema.js';
import { tableRewrite } from './table-rewrite.js';
import { timezoneDependentRewrite } from './timezone-dependent-rewrite.js';
import { truncate } from './truncate.js';
import { vacuumFull } from './vacuum-full.js';
import { validatedConstraint } from './validated-constraint.js';

const specific: readonly Rule[] = [
  // destructive
  dropTable,
  dropColumn,
  dropSchema,
  dropView,
  dropOther,
  truncate,
  deleteWithoutWhere,
  cascadeDrop,
  dynamicDrop,
  // backward-incompatible
  renameTable,
  renameColumn,
  renameView,
  renameSchema,
  setSchema,
  dynamicRename,
  // table-rewrite
  tableRewrite,
  timezoneDependentRewrite,
  // blocking-lock
  createIndexBlocking,
  addConstraintValidating,
  refreshMatviewBlocking,
  vacuumFull,
  cluster,
  reindexBlocking,
  dropIndex,
  // data-dependent
  addColumnNotNullNoDefault,
  setNotNull,
  addUnique,
  validatedConstraint,
  narrowingType,
];

const accessExclusiveLock = accessExclusiveLockRule(specific);

/** Every rule. Ids are part of the public contract (nolint directives, severities, SARIF). */
export const allRules: readonly Rule[] = [
  ...specific.slice(0, specific.indexOf(dropIndex) + 1),
  accessExclusiveLock,
  ...specific.slice(specific.indexOf(dropIndex) + 1),
];

/** A rule by id. */
export function ruleById(id: string): Rule | undefined {
  return allRules.find((r) => r.id === id);
}
