/**
 * blocking-lock: an AccessExclusiveLock observed on an existing table that no other rule explains. Even a
 * fast ALTER waits for every running transaction on the table and blocks all reads and writes meanwhile.
 */
import type { Rule, RuleContext } from '../rule.js';
import { alterTable } from './ast.js';

/** ALTER TABLE subcommands that only touch the catalog once the lock is granted. */
const FAST_SUBTYPES: ReadonlySet<string> = new Set([
  'AT_AddColumn',
  'AT_DropColumn',
  'AT_ColumnDefault',
  'AT_DropNotNull',
  'AT_SetStatistics',
  'AT_SetOptions',
  'AT_ResetOptions',
  'AT_SetStorage',
  'AT_SetCompression',
  'AT_DropConstraint',
  'AT_AlterColumnType',
  'AT_AddConstraint',
  'AT_ValidateConstraint',
  'AT_SetRelOptions',
  'AT_ResetRelOptions',
  'AT_ReplaceRelOptions',
  'AT_ChangeOwner',
  'AT_ReplicaIdentity',
  'AT_EnableTrig',
  'AT_DisableTrig',
  'AT_EnableTrigAll',
  'AT_DisableTrigAll',
  'AT_EnableTrigUser',
  'AT_DisableTrigUser',
  'AT_EnableRowSecurity',
  'AT_DisableRowSecurity',
  'AT_ForceRowSecurity',
  'AT_NoForceRowSecurity',
  'AT_AddIdentity',
  'AT_SetIdentity',
  'AT_DropIdentity',
  'AT_DropExpression',
  'AT_AddInherit',
  'AT_DropInherit',
]);

/** Statements that only change the catalog once they have the lock (renames, drops, triggers, rules, policies, comments, grants). */
const FAST_KINDS: ReadonlySet<string> = new Set([
  'RenameStmt',
  'DropStmt',
  'AlterObjectSchemaStmt',
  'CreateTrigStmt',
  'RuleStmt',
  'CreatePolicyStmt',
  'AlterPolicyStmt',
  'CommentStmt',
  'GrantStmt',
  'AlterOwnerStmt',
]);

/** Whether the statement is quick once it holds the lock (then only the wait for it is a risk: notice). */
function fast(ctx: RuleContext): boolean {
  if (ctx.trace.rewritten.length > 0) return false;
  if (FAST_KINDS.has(ctx.statement.kind)) return true;
  const a = alterTable(ctx.statement.ast);
  return a !== undefined && a.cmds.length > 0 && a.cmds.every((c) => FAST_SUBTYPES.has(c.subtype));
}

const ID = 'access-exclusive-lock';

/**
 * Builds the rule; `explainers` are the other rules: when one of them reports the statement, this one stays
 * silent (one finding per statement for the lock, with the more specific advice).
 */
export function accessExclusiveLockRule(explainers: readonly Rule[]): Rule {
  return {
    id: ID,
    category: 'blocking-lock',
    defaultSeverity: 'warning',
    summary:
      'The statement takes an AccessExclusiveLock on an existing table: it waits behind running transactions and blocks all reads and writes meanwhile.',
    docs: `An \`AccessExclusiveLock\` conflicts with everything, including plain \`SELECT\`s. Even a statement that is
instant once it has the lock (adding a nullable column, changing a default) first waits for every transaction that
touched the table to finish; while it waits, every new query on the table queues behind it. A single long-running
report or an idle-in-transaction session turns a "fast" migration into an outage.

db-action sees the lock on the dev database (\`pg_locks\` of its own backend before COMMIT) and reports it when no
more specific rule already reports the statement (\`table-rewrite\`, \`set-not-null\`, \`add-constraint-validating\`,
…; the deference holds even when that rule is turned off or silenced with a nolint directive). Statements that only
change the catalog once they hold the lock (adding a nullable column, dropping a column,
renames, trigger or index drops, …) are reported with severity \`notice\`; others (\`LOCK TABLE\`, \`ATTACH PARTITION\`,
DO blocks, …) with \`warning\`.

**Instead:** make the migration give up instead of blocking traffic, and retry: db-action apply does this by default
(\`lock-timeout: 5s\`, \`lock-retries: 3\`); with another tool, start the migration with
\`SET lock_timeout = '5s';\`. Keep each such statement in a short transaction of its own. Tables created earlier in the
same change are not reported.`,
    check(ctx) {
      const locked = ctx.trace.locks.filter(
        (l) => l.mode === 'AccessExclusiveLock' && ctx.isPreexisting('table', l.relation),
      );
      if (locked.length === 0) return [];
      if (explainers.some((r) => r.id !== ID && r.check(ctx).length > 0)) return [];
      const tables = locked.map((l) => l.relation);
      return [
        {
          message: `Takes an AccessExclusiveLock on ${tables.join(', ')}: it waits for running transactions on ${tables.length > 1 ? 'them' : 'it'} and blocks all reads and writes while it waits and runs.`,
          suggestion: `Run it with a short lock_timeout and retry on timeout (db-action apply does by default: lock-timeout 5s, lock-retries 3; elsewhere SET lock_timeout = '5s' first), so a long-running transaction cannot turn it into an outage.`,
          evidence: locked.map((l) => `${l.mode} on ${l.relation}`),
          ...(fast(ctx) ? { severity: 'notice' as const } : {}),
        },
      ];
    },
  };
}
