/** data-dependent: ALTER COLUMN … SET NOT NULL on an existing table (fails on NULLs; scans under AccessExclusiveLock). */
import type { Rule, RuleHit } from '../rule.js';
import { alterTableOnTable, ident } from './ast.js';
import { lockEvidence, preexisting, qualified } from './evidence.js';

/** `CHECK ((col IS NOT NULL))` as pg_get_constraintdef prints it, for a validated constraint. */
function provesNotNull(def: string, column: string): boolean {
  if (def.includes('NOT VALID')) return false;
  const col = column.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^CHECK \\(\\(?"?${col}"? IS NOT NULL\\)?\\)$`).test(def.trim());
}

export const setNotNull: Rule = {
  id: 'set-not-null',
  category: 'data-dependent',
  defaultSeverity: 'warning',
  summary: 'SET NOT NULL fails if any existing row is NULL, and scans the table under an AccessExclusiveLock.',
  docs: `\`ALTER TABLE t ALTER COLUMN c SET NOT NULL\` checks every existing row: it fails in production if any row
still has a NULL there (the empty dev database cannot tell), and the scan runs under an \`AccessExclusiveLock\` that
blocks reads and writes for a time that grows with the table's size.

**Instead:** (PostgreSQL 12+) \`ALTER TABLE t ADD CONSTRAINT c_not_null CHECK (c IS NOT NULL) NOT VALID;\` then, in a
later migration, \`ALTER TABLE t VALIDATE CONSTRAINT c_not_null;\` (no blocking scan), then
\`ALTER TABLE t ALTER COLUMN c SET NOT NULL;\` — PostgreSQL sees the validated constraint and skips the scan — and
optionally drop the CHECK. db-action reads the constraints on the table just before the statement, so that
last step is recognised and not reported.

\`ADD PRIMARY KEY\` (also \`… USING INDEX\`) sets its columns NOT NULL implicitly, with the same scan: a nullable
existing column there is reported too.

Reported for every existing table, even when the column was added earlier in the same change: the table's rows are
still the production rows. Tables created earlier in the same change are not reported.`,
  check(ctx) {
    const a = alterTableOnTable(ctx.statement.ast);
    if (!a || !preexisting(ctx, 'table', a.relation)) return [];
    const table = qualified(ctx, a.relation);
    const hits: RuleHit[] = [];
    for (const cmd of a.cmds) {
      if (cmd.subtype !== 'AT_SetNotNull' || !cmd.name) continue;
      const column = cmd.name;
      const proven = ctx.objectsOn?.(table).some((e) => e.object.kind === 'constraint' && provesNotNull(e.def, column));
      if (proven) continue;
      const change = ctx.trace.diff.changed.find((c) => c.object.name === `${table}.${column}`);
      hits.push({
        message: `Sets ${table}.${column} NOT NULL: fails if any existing row is NULL, and scans ${table} while reads and writes wait.`,
        suggestion: `ADD CONSTRAINT ${ident(`${column}_not_null`)} CHECK (${ident(column)} IS NOT NULL) NOT VALID; VALIDATE CONSTRAINT ${ident(`${column}_not_null`)} in a later migration; then SET NOT NULL (PostgreSQL 12+ skips the scan).`,
        evidence: [
          ...(change ? [`changed: column ${table}.${column}: ${change.before} → ${change.after}`] : []),
          ...lockEvidence(ctx, table),
        ],
      });
    }
    // A PRIMARY KEY (also `USING INDEX`) makes its columns NOT NULL implicitly: the same scan and the same failure.
    const explicit = new Set(a.cmds.filter((c) => c.subtype === 'AT_SetNotNull' && c.name).map((c) => c.name));
    for (const change of ctx.trace.diff.changed) {
      if (change.object.kind !== 'column' || change.object.table !== table) continue;
      const column = change.object.name.slice(table.length + 1);
      if (explicit.has(column) || !gainsNotNull(change.before, change.after)) continue;
      if (ctx.objectsOn?.(table).some((e) => e.object.kind === 'constraint' && provesNotNull(e.def, column))) continue;
      hits.push({
        message: `Makes ${table}.${column} NOT NULL implicitly (PRIMARY KEY): fails if any existing row is NULL, and scans ${table} while reads and writes wait.`,
        suggestion: `First ADD CONSTRAINT ${ident(`${column}_not_null`)} CHECK (${ident(column)} IS NOT NULL) NOT VALID and VALIDATE it in a later migration, then ALTER COLUMN ${ident(column)} SET NOT NULL (no scan), then add the primary key.`,
        evidence: [
          `changed: column ${change.object.name}: ${change.before} → ${change.after}`,
          ...lockEvidence(ctx, table),
        ],
      });
    }
    return hits;
  },
};

/** The column definition went from nullable to NOT NULL. */
function gainsNotNull(before: string, after: string): boolean {
  return !/ NOT NULL\b/.test(before) && / NOT NULL\b/.test(after);
}
