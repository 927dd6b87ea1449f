/**
 * Test harness for the rules, on REAL PostgreSQL: in a fresh database, replay `base` (what exists before the
 * change), then trace every statement of `change` with the real tracer and run one rule on it, the way the
 * lint engine does. Each rule test is then a few lines:
 *
 *   const judge = ruleJudge(createTestDatabase);
 *   const hits = await judge(dropColumn, { base: 'create table t (id int, c int)', change: 'alter table t drop column c' });
 *
 * Not used by the product; it lives beside the rules so their tests stay short.
 */
import { withClient } from '../../db/client.js';
import { parseSql } from '../../sql/index.js';
import type { Statement } from '../../sql/types.js';
import { snapshotCatalog, type CatalogSnapshot } from '../catalog.js';
import { ChangeTracker } from '../context.js';
import type { Rule, RuleContext, RuleHit, StatementTrace } from '../rule.js';
import { traceStatement } from '../trace.js';

/** A fresh empty database (`createTestDatabase` of __tests__/helpers/pg.ts satisfies it). */
export type DatabaseFactory = () => Promise<{ readonly url: string; drop(): Promise<void> }>;

export interface JudgeCase {
  /** SQL of the base migrations: objects it creates are pre-existing. */
  readonly base?: string;
  /** SQL of the new migration: every statement is traced and judged. */
  readonly change: string;
}

/** A hit with the statement it came from. */
export interface JudgedHit extends RuleHit {
  readonly statement: number;
  readonly text: string;
}

export interface Judged {
  readonly hits: readonly JudgedHit[];
  /** Every traced statement, for assertions on what the tracer saw. */
  readonly traces: readonly { readonly statement: Statement; readonly trace: StatementTrace }[];
}

/** Runs the statements one by one outside any explicit transaction (non-transactional ones need that). */
async function replay(client: { query(text: string): Promise<unknown> }, sql: string): Promise<void> {
  const parsed = await parseSql(sql, { file: 'base.sql' });
  for (const s of parsed.statements) {
    if (!s.transactionControl) await client.query(s.text);
  }
}

/** The RuleContext the engine builds (src/lint/context.ts), with `objectsOn` backed by the catalog just before the statement. */
export function ruleContext(
  tracker: ChangeTracker,
  statement: Statement,
  trace: StatementTrace,
  before: CatalogSnapshot,
  file = 'change.sql',
): RuleContext {
  return tracker.context(file, statement, trace, before);
}

/** A hit of one of several rules. */
export interface RuleJudgedHit extends JudgedHit {
  readonly rule: string;
}

/** Full result of one rule in a fresh database: hits and traces. */
export async function judgeCase(newDatabase: DatabaseFactory, rule: Rule, c: JudgeCase): Promise<Judged> {
  const r = await judgeRules(newDatabase, [rule], c);
  return { hits: r.hits.map(({ rule: _rule, ...hit }) => hit), traces: r.traces };
}

/** Replays `base`, then traces and judges every statement of `change`, in the database at `url`. */
async function runCase(url: string, rules: readonly Rule[], c: JudgeCase): Promise<JudgedRules> {
  return withClient(
    url,
    async (client) => {
      if (c.base) await replay(client, c.base);
      const base = await snapshotCatalog(client);
      const tracker = new ChangeTracker(base);
      const parsed = await parseSql(c.change, { file: 'change.sql' });
      let before = base;
      const hits: RuleJudgedHit[] = [];
      const traces: { statement: Statement; trace: StatementTrace }[] = [];
      for (const statement of parsed.statements) {
        const { trace, after } = await traceStatement(client, statement, before);
        if (trace.error)
          throw new Error(
            `statement ${statement.index} failed on the dev database: ${trace.error.message}\n${statement.text}`,
          );
        traces.push({ statement, trace });
        const ctx = tracker.context('change.sql', statement, trace, before, undefined, after);
        for (const rule of rules) {
          for (const hit of rule.check(ctx))
            hits.push({ ...hit, rule: rule.id, statement: statement.index, text: statement.text });
        }
        tracker.record(trace.diff);
        before = after;
      }
      return { hits, traces };
    },
    { applicationName: 'db-action rule tests' },
  );
}

export interface JudgedRules {
  readonly hits: readonly RuleJudgedHit[];
  readonly traces: Judged['traces'];
}

/** Several rules at once (the engine's view), in a fresh database: every hit with its rule id, in statement then rule order. */
export async function judgeRules(
  newDatabase: DatabaseFactory,
  rules: readonly Rule[],
  c: JudgeCase,
): Promise<JudgedRules> {
  const db = await newDatabase();
  try {
    return await runCase(db.url, rules, c);
  } finally {
    await db.drop();
  }
}

/** Empties a scratch database: every user schema (public re-created) and extension goes. */
const RESET_SQL = `DO $$
DECLARE r record;
BEGIN
  FOR r IN SELECT nspname FROM pg_namespace WHERE nspname NOT LIKE 'pg\\_%' AND nspname <> 'information_schema' LOOP
    EXECUTE format('DROP SCHEMA %I CASCADE', r.nspname);
  END LOOP;
  FOR r IN SELECT extname FROM pg_extension WHERE extname <> 'plpgsql' LOOP
    EXECUTE format('DROP EXTENSION %I CASCADE', r.extname);
  END LOOP;
END $$;
CREATE SCHEMA public;`;

/** A judge: `judge(rule, case)` → hits. `close()` drops its database (registered with jest's afterAll when there is one). */
export interface RuleJudge {
  (rule: Rule, c: JudgeCase): Promise<readonly JudgedHit[]>;
  close(): Promise<void>;
}

/**
 * `judge(rule, { base, change })` → the rule's hits on every statement of `change`. Cases of one judge share
 * one database, emptied before each case (creating a database per case costs ~0.5 s); they run one at a time.
 */
export function ruleJudge(newDatabase: DatabaseFactory): RuleJudge {
  let db: Promise<{ readonly url: string; drop(): Promise<void> }> | undefined;
  let queue: Promise<unknown> = Promise.resolve();
  const run = (rule: Rule, c: JudgeCase): Promise<readonly JudgedHit[]> => {
    const result = queue.then(async () => {
      db ??= newDatabase();
      const { url } = await db;
      await withClient(url, (client) => client.query(RESET_SQL), { applicationName: 'db-action rule tests' });
      const r = await runCase(url, [rule], c);
      return r.hits.map(({ rule: _rule, ...hit }) => hit);
    });
    queue = result.catch(() => undefined);
    return result;
  };
  const close = async (): Promise<void> => {
    await queue;
    const d = db;
    db = undefined;
    if (d) await (await d).drop();
  };
  const judge: RuleJudge = Object.assign(run, { close });
  // Inside a jest test file, drop the database when the file is done.
  const afterAll = (globalThis as { afterAll?: (fn: () => Promise<void>) => void }).afterAll;
  afterAll?.(() => judge.close());
  return judge;
}
