import { createTestDatabase } from '../../../__tests__/helpers/pg.js';
import { tableRewrite } from './table-rewrite.js';
import { ruleJudge } from './testing.js';

const judge = ruleJudge(createTestDatabase);

describe('table-rewrite', () => {
  it('fires when int -> bigint really rewrites a pre-existing table (relfilenode evidence)', async () => {
    const hits = await judge(tableRewrite, {
      base: 'create table t (id int, v varchar(10))',
      change: 'alter table t alter column id type bigint',
    });
    expect(hits).toHaveLength(1);
    expect(hits[0]?.message).toBe(
      'Rewrites table public.t (ALTER COLUMN id TYPE): every row is copied while reads and writes wait.',
    );
    expect(hits[0]?.evidence).toEqual(['relfilenode changed: public.t rewritten', 'AccessExclusiveLock on public.t']);
  });

  it('fires on a volatile default, and on VACUUM FULL (traced outside a transaction)', async () => {
    const hits = await judge(tableRewrite, {
      base: 'create table t (id int)',
      change: 'alter table t add column created timestamptz default clock_timestamp(); vacuum full t',
    });
    expect(hits.map((h) => h.statement)).toEqual([0, 1]);
    expect(hits[0]?.suggestion).toMatch(/without the volatile default/);
    expect(hits[1]?.suggestion).toMatch(/pg_repack/);
  });

  it('is silent on a table created earlier in the same change', async () => {
    expect(
      await judge(tableRewrite, { change: 'create table t (id int); alter table t alter column id type bigint' }),
    ).toEqual([]);
  });

  it('is silent on changes PostgreSQL makes without rewrite (varchar widening, constant default), and on TRUNCATE', async () => {
    expect(
      await judge(tableRewrite, {
        base: 'create table t (id int, v varchar(10))',
        change:
          'alter table t alter column v type varchar(20); alter table t alter column v type text; alter table t add column n int not null default 0; truncate t',
      }),
    ).toEqual([]);
  });

  it('a DO block that rewrites a table and then renames it: the rewrite is reported under the new name', async () => {
    const hits = await judge(tableRewrite, {
      base: 'create table users (id int, n int); insert into users values (1, 1)',
      change:
        "do $$ begin execute 'alter table users alter column n type bigint'; execute 'alter table users rename to people'; end $$",
    });
    expect(hits.map((h) => h.message)).toEqual([expect.stringContaining('Rewrites table public.people')]);
  });
});
