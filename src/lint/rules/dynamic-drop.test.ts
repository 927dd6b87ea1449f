import { createTestDatabase } from '../../../__tests__/helpers/pg.js';
import { dynamicDrop } from './dynamic-drop.js';
import { ruleJudge } from './testing.js';

const judge = ruleJudge(createTestDatabase);

describe('dynamic-drop', () => {
  it('fires on a DO block that drops a pre-existing table through EXECUTE', async () => {
    const hits = await judge(dynamicDrop, {
      base: 'create table legacy (id int primary key, v text)',
      change: "do $$ begin execute 'drop table ' || 'legacy'; end $$",
    });
    expect(hits).toHaveLength(1);
    expect(hits[0]?.message).toBe('a DO block drops table public.legacy at run time (dynamic SQL).');
    expect(hits[0]?.evidence).toEqual(['dropped: table public.legacy']);
  });

  it('fires on a function call that drops a column', async () => {
    const hits = await judge(dynamicDrop, {
      base: `create table t (id int, c int);
             create function cleanup() returns void language plpgsql as $$ begin alter table t drop column c; end $$`,
      change: 'select cleanup()',
    });
    expect(hits.map((h) => h.evidence)).toEqual([['dropped: column public.t.c']]);
  });

  it('is silent when the DO block drops only objects created earlier in the same change', async () => {
    expect(
      await judge(dynamicDrop, { change: "create table tmp (id int); do $$ begin execute 'drop table tmp'; end $$" }),
    ).toEqual([]);
  });

  it('is silent on the safe alternative (a DO block that only creates), and on plain DROP statements', async () => {
    expect(
      await judge(dynamicDrop, {
        base: 'create table t (id int)',
        change: "do $$ begin execute 'create table t2 (id int)'; end $$; drop table t",
      }),
    ).toEqual([]);
  });

  it('is silent on a DO block that only renames a pre-existing table', async () => {
    expect(
      await judge(dynamicDrop, {
        base: 'create table legacy (id int primary key, v text)',
        change: "do $$ begin execute 'alter table legacy rename to modern'; end $$",
      }),
    ).toEqual([]);
  });

  it('a table dropped and re-created under the same name in one DO block is a drop (its rows are gone)', async () => {
    const hits = await judge(dynamicDrop, {
      base: 'create table t (id int); insert into t values (1)',
      change: "do $$ begin execute 'drop table t'; execute 'create table t (id int, v text)'; end $$",
    });
    expect(hits.map((h) => h.evidence)).toEqual([['dropped: table public.t']]);
  });

  it('a DO block that only changes a column type (indexes rebuilt under their names) drops nothing', async () => {
    expect(
      await judge(dynamicDrop, {
        base: 'create table t (id int primary key, n int); create index t_n on t (n)',
        change: "do $$ begin execute 'alter table t alter column n type bigint'; end $$",
      }),
    ).toEqual([]);
  });
});
