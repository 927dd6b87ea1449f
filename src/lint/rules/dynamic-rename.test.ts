import { createTestDatabase } from '../../../__tests__/helpers/pg.js';
import { dynamicRename } from './dynamic-rename.js';
import { ruleJudge } from './testing.js';

const judge = ruleJudge(createTestDatabase);

describe('dynamic-rename', () => {
  it('fires on a DO block renaming an existing table and a column, naming the table once (not its columns)', async () => {
    const hits = await judge(dynamicRename, {
      base: 'create table users (id int, name text); create table orders (id int, total int)',
      change:
        "do $$ begin execute 'alter table users rename to people'; execute 'alter table orders rename column total to amount'; end $$",
    });
    expect(hits).toHaveLength(1);
    expect(hits[0]?.message).toBe(
      'Dynamic SQL renames table public.users to public.people and column public.orders.total to public.orders.amount: running code that uses the old name fails until it is redeployed.',
    );
    expect(hits[0]?.evidence).toEqual([
      'renamed: table public.users → public.people',
      'renamed: column public.orders.total → public.orders.amount',
    ]);
  });

  it('is silent on plain RENAME statements (rename-table reports those) and on objects created in the change', async () => {
    expect(
      await judge(dynamicRename, {
        base: 'create table users (id int)',
        change:
          "alter table users rename to people; create table t (a int); do $$ begin execute 'alter table t rename to t2'; end $$",
      }),
    ).toEqual([]);
  });

  it('a rename whose old name is taken again in the same block is still a rename', async () => {
    const hits = await judge(dynamicRename, {
      base: 'create table users (id int, email text)',
      change:
        "do $$ begin execute 'alter table users rename column email to email_old'; execute 'alter table users add column email text'; end $$",
    });
    expect(hits.map((h) => h.evidence)).toEqual([['renamed: column public.users.email → public.users.email_old']]);
  });

  it('a schema renamed in a DO block is named once, not with every table in it', async () => {
    const hits = await judge(dynamicRename, {
      base: 'create schema app; create table app.a (id int); create table app.b (id int)',
      change: "do $$ begin execute 'alter schema app rename to app_old'; end $$",
    });
    expect(hits.map((h) => h.evidence)).toEqual([['renamed: schema app → app_old']]);
  });
});
