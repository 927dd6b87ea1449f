/** destructive: objects that existed before the change and were dropped without being named (CASCADE victims). */
import type { Rule } from '../rule.js';
import { alterTable, dropInfo, short } from './ast.js';
import { collapseParts, droppedLine, listNames, objectPreexisting } from './evidence.js';
import { DYNAMIC_KINDS, explainedByStatement } from './explained.js';

export const cascadeDrop: Rule = {
  id: 'cascade-drop',
  category: 'destructive',
  defaultSeverity: 'error',
  summary: 'The statement also dropped existing objects it does not name (CASCADE victims).',
  docs: `\`CASCADE\` (and \`DROP OWNED\`) silently drop every object that depends on the one named: views built on a
table, foreign keys in other tables that reference it, columns whose type is dropped, defaults using a dropped
function. The tracer compares the catalog before and after the statement on the dev database and reports every
existing object that disappeared without being named in the statement. What the statement does name (and its own
columns, indexes and constraints) is reported once, by \`drop-table\`, \`drop-column\`, \`drop-view\`, … — not here.

**Instead:** drop the dependent objects explicitly, each after its users are gone, and use \`RESTRICT\` (the default)
so an unexpected dependency fails the migration instead of dropping more than you meant. Victims created earlier in
the same change are not reported.`,
  check(ctx) {
    if (DYNAMIC_KINDS.has(ctx.statement.kind) || ctx.trace.diff.dropped.length === 0) return [];
    const explained = explainedByStatement(ctx);
    const victims = collapseParts(ctx.trace.diff.dropped.filter((o) => !explained(o) && objectPreexisting(ctx, o)));
    // A DROP (FUNCTION, SEQUENCE, TYPE …) CASCADE also strips column defaults that use the dropped object.
    const defaults = dropInfo(ctx.statement.ast)
      ? ctx.trace.diff.changed.filter(
          (c) =>
            c.object.kind === 'column' &&
            c.object.table !== undefined &&
            ctx.isPreexisting('table', c.object.table) &&
            / DEFAULT /.test(c.before) &&
            !/ DEFAULT /.test(c.after),
        )
      : [];
    if (victims.length === 0 && defaults.length === 0) return [];
    const names = [
      ...victims.map((o) => `${o.kind} ${o.name}`),
      ...defaults.map((c) => `the default of column ${c.object.name}`),
    ];
    const cascade =
      dropInfo(ctx.statement.ast)?.cascade === true ||
      (alterTable(ctx.statement.ast)?.cmds.some((c) => c.behavior === 'DROP_CASCADE') ?? false) ||
      /\bcascade\b/i.test(ctx.statement.text);
    return [
      {
        message: `Also drops ${names.length === 1 ? '' : `${names.length} objects: `}${listNames(names)}, which \`${short(ctx.statement.text, 60)}\` does not name (${cascade ? 'CASCADE' : 'dropped with it as dependents, e.g. partitions'}).`,
        suggestion: `Drop dependent objects explicitly once nothing uses them, and drop without CASCADE so an unexpected dependency fails instead of being dropped.`,
        evidence: [
          ...victims.map(droppedLine),
          ...defaults.map((c) => `changed: column ${c.object.name}: ${c.before} → ${c.after}`),
        ],
      },
    ];
  },
};
