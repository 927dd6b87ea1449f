import { createTestDatabase } from '../../../__tests__/helpers/pg.js';
import { cascadeDrop } from './cascade-drop.js';
import { ruleJudge } from './testing.js';

const judge = ruleJudge(createTestDatabase);

describe('cascade-drop', () => {
  it('reports dependents dropped by CASCADE that the statement does not name, not the named table or its parts', async () => {
    const hits = await judge(cascadeDrop, {
      base: `create table users (id int primary key); create table orders (id int, user_id int references users (id));
             create view active_users as select id from users`,
      change: 'drop table users cascade',
    });
    expect(hits).toHaveLength(1);
    expect([...(hits[0]?.evidence ?? [])].sort()).toEqual([
      'dropped: constraint public.orders.orders_user_id_fkey',
      'dropped: view public.active_users',
    ]);
    expect(hits[0]?.message).toMatch(/^Also drops 2 objects: /);
  });

  it('reports a view dropped with a column (DROP COLUMN … CASCADE)', async () => {
    const hits = await judge(cascadeDrop, {
      base: 'create table t (id int, c int); create index t_c on t (c); create view v as select c from t',
      change: 'alter table t drop column c cascade',
    });
    expect(hits).toHaveLength(1);
    expect(hits[0]?.evidence).toEqual(['dropped: view public.v']);
  });

  it('is silent when the victims were created earlier in the same change', async () => {
    expect(
      await judge(cascadeDrop, {
        base: 'create table users (id int)',
        change: 'create view v as select id from users; drop table users cascade',
      }),
    ).toEqual([]);
  });

  it('is silent on the safe alternative (dropping dependents explicitly, without CASCADE)', async () => {
    expect(
      await judge(cascadeDrop, {
        base: 'create table users (id int primary key); create view active_users as select id from users',
        change: 'drop view active_users; drop table users',
      }),
    ).toEqual([]);
  });
});
