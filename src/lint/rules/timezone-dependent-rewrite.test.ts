import { createTestDatabase } from '../../../__tests__/helpers/pg.js';
import { tableRewrite } from './table-rewrite.js';
import { timezoneDependentRewrite } from './timezone-dependent-rewrite.js';
import { ruleJudge } from './testing.js';

const judge = ruleJudge(createTestDatabase);

describe('timezone-dependent-rewrite', () => {
  it('fires on timestamp ↔ timestamptz of an existing table done in place under TimeZone UTC', async () => {
    const hits = await judge(timezoneDependentRewrite, {
      base: 'create table t (a timestamp, b timestamptz, c timestamp(3)); insert into t values (now(), now(), now())',
      change: `set timezone = 'UTC';
               alter table t alter column a type timestamptz;
               alter table t alter column b type timestamp`,
    });
    expect(hits.map((h) => [h.statement, h.message])).toEqual([
      [
        1,
        "Changes public.t.a to timestamptz: done in place here only because the dev database's TimeZone is UTC; in a session with another TimeZone it rewrites public.t under an AccessExclusiveLock.",
      ],
      [2, expect.stringContaining('Changes public.t.b to timestamp:')],
    ]);
    expect(hits[0]?.evidence).toEqual([
      'changed: column public.t.a: timestamp without time zone → timestamp with time zone',
    ]);
  });

  it('in another TimeZone PostgreSQL really rewrites: table-rewrite reports it, this rule stays silent', async () => {
    const change = "set timezone = 'Europe/Paris'; alter table t alter column a type timestamptz";
    const base = 'create table t (a timestamp); insert into t values (now())';
    expect(await judge(timezoneDependentRewrite, { base, change })).toEqual([]);
    expect((await judge(tableRewrite, { base, change })).map((h) => h.statement)).toEqual([1]);
  });

  it('is silent on a table created in the same change and on other type changes', async () => {
    expect(
      await judge(timezoneDependentRewrite, {
        base: 'create table u (d date)',
        change:
          "set timezone = 'UTC'; create table t (a timestamp); alter table t alter column a type timestamptz; alter table u alter column d type timestamp",
      }),
    ).toEqual([]);
  });
});
