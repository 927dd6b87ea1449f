import { createTestDatabase } from '../../../__tests__/helpers/pg.js';
import { dropOther } from './drop-other.js';
import { ruleJudge } from './testing.js';

const judge = ruleJudge(createTestDatabase);

describe('drop-other', () => {
  it('fires on pre-existing sequences, types, domains and functions (with their argument types)', async () => {
    const hits = await judge(dropOther, {
      base: `create sequence order_no; create type mood as enum ('ok'); create domain posint as int check (value > 0);
             create function add1(i int) returns int language sql as 'select i + 1'`,
      change: 'drop sequence order_no; drop type mood; drop domain posint; drop function add1(int)',
    });
    expect(hits.map((h) => h.message)).toEqual([
      'Drops sequence public.order_no; its current value is lost and inserts that use it fail.',
      'Drops type public.mood; columns and functions using it break.',
      'Drops domain public.posint; columns and functions using it break.',
      'Drops function public.add1(integer); callers (code, triggers, defaults) fail.',
    ]);
    expect(hits[3]?.evidence).toEqual(['dropped: function public.add1(integer)']);
  });

  it('is silent on objects created earlier in the same change', async () => {
    expect(
      await judge(dropOther, {
        change: `create sequence s; drop sequence s; create type e as enum ('a'); drop type e;
                 create function f() returns int language sql as 'select 1'; drop function f()`,
      }),
    ).toEqual([]);
  });

  it('is silent on the safe alternative (CREATE OR REPLACE FUNCTION) and on index drops (drop-index)', async () => {
    expect(
      await judge(dropOther, {
        base: `create table t (id int); create index t_id on t (id); create function f() returns int language sql as 'select 1'`,
        change: `create or replace function f() returns int language sql as 'select 2'; drop index t_id`,
      }),
    ).toEqual([]);
  });
});
