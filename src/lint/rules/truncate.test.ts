import { createTestDatabase } from '../../../__tests__/helpers/pg.js';
import { tableRewrite } from './table-rewrite.js';
import { truncate } from './truncate.js';
import { ruleJudge } from './testing.js';

const judge = ruleJudge(createTestDatabase);

describe('truncate', () => {
  it('fires on a pre-existing table with the lock as evidence', async () => {
    const hits = await judge(truncate, { base: 'create table events (id int)', change: 'truncate events' });
    expect(hits).toHaveLength(1);
    expect(hits[0]?.message).toBe('Truncates table public.events: every row is deleted.');
    expect(hits[0]?.evidence).toContain('AccessExclusiveLock on public.events');
  });

  it('reports the tables TRUNCATE … CASCADE empties without naming them', async () => {
    const hits = await judge(truncate, {
      base: 'create table users (id int primary key); create table orders (user_id int references users (id))',
      change: 'truncate users cascade',
    });
    expect(hits.map((h) => h.message)).toEqual([
      'Truncates table public.users: every row is deleted.',
      'Also truncates table public.orders through CASCADE (it references a truncated table): every row is deleted.',
    ]);
    expect(hits[1]?.evidence).toEqual([
      'relfilenode changed: public.orders truncated',
      'AccessExclusiveLock on public.orders',
    ]);
  });

  it('is silent on a table created earlier in the same change', async () => {
    expect(
      await judge(truncate, {
        base: 'create table events (id int)',
        change: 'create table staging (id int); truncate staging',
      }),
    ).toEqual([]);
  });

  it('is silent on the safe alternative (DELETE with a WHERE)', async () => {
    expect(
      await judge(truncate, { base: 'create table events (id int)', change: 'delete from events where id < 0' }),
    ).toEqual([]);
  });

  it('a TRUNCATE in a DO block is reported from the emptied tables (not as a rewrite)', async () => {
    const hits = await judge(truncate, {
      base: 'create table t5 (id int); insert into t5 values (1)',
      change: "do $$ begin execute 'truncate t5'; end $$",
    });
    expect(hits.map((h) => h.message)).toEqual([
      'Empties table public.t5 (a TRUNCATE run by dynamic SQL gave it a new relfilenode): every row is deleted.',
    ]);
    expect(
      await judge(tableRewrite, {
        base: 'create table t5 (id int); insert into t5 values (1)',
        change: "do $$ begin execute 'truncate t5'; end $$",
      }),
    ).toEqual([]);
  });

  it('a DO block that only mentions TRUNCATE in a comment, or truncates another table, still rewrites: table-rewrite', async () => {
    const base = 'create table big (id int, n int); insert into big values (1, 1); create table small (id int)';
    const comment = "do $$ begin -- never truncate big\n execute 'alter table big alter column n type bigint'; end $$";
    expect(await judge(truncate, { base, change: comment })).toEqual([]);
    expect((await judge(tableRewrite, { base, change: comment })).map((h) => h.message)).toEqual([
      expect.stringContaining('Rewrites table public.big'),
    ]);
    const both = "do $$ begin execute 'alter table big alter column n type bigint'; execute 'truncate small'; end $$";
    expect((await judge(truncate, { base, change: both })).map((h) => h.message)).toEqual([
      expect.stringContaining('Empties table public.small'),
    ]);
    expect((await judge(tableRewrite, { base, change: both })).map((h) => h.message)).toEqual([
      expect.stringContaining('Rewrites table public.big'),
    ]);
  });
});
