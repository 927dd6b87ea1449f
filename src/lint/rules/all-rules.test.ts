/**
 * All rules together, the way the engine runs them: one problem is reported once (per category), objects
 * created in the same change are exempt, and a typical "new table" migration that squawk-style linters flag
 * is clean.
 */
import { createTestDatabase } from '../../../__tests__/helpers/pg.js';
import { allRules } from './index.js';
import { judgeRules } from './testing.js';

async function findings(base: string, change: string): Promise<string[]> {
  const r = await judgeRules(createTestDatabase, allRules, { base, change });
  return r.hits.map((h) => `${h.statement}:${h.rule}`);
}

describe('all rules together', () => {
  it('DROP TABLE … CASCADE: the table once (drop-table), its victims once (cascade-drop), nothing else', async () => {
    expect(
      await findings(
        'create table users (id serial primary key); create table orders (user_id int references users (id)); create view v as select id from users',
        'drop table users cascade',
      ),
    ).toEqual(['0:drop-table', '0:cascade-drop']);
  });

  it('DROP COLUMN: only drop-column (its index and the lock are evidence, not findings)', async () => {
    expect(
      await findings('create table t (id int, c int); create index t_c on t (c)', 'alter table t drop column c'),
    ).toEqual(['0:drop-column']);
  });

  it('a DO block that drops: only dynamic-drop', async () => {
    expect(await findings('create table t (id int)', "do $$ begin execute 'drop table t'; end $$")).toEqual([
      '0:dynamic-drop',
    ]);
  });

  it('a rewrite: only table-rewrite; a unique index: the lock and the data risk, one each', async () => {
    expect(
      await findings(
        'create table t (id int, e text)',
        'alter table t alter column id type bigint; create unique index t_e on t (e)',
      ),
    ).toEqual(['0:table-rewrite', '1:create-index-blocking', '1:add-unique']);
  });

  it('a one-step CHECK: blocking-lock and data-dependent once each; the NOT VALID path: a notice for the brief lock only', async () => {
    expect(
      await findings(
        'create table t (n int)',
        'alter table t add constraint pos check (n > 0); alter table t add constraint pos2 check (n > 0) not valid; alter table t validate constraint pos2',
      ),
    ).toEqual(['0:add-constraint-validating', '0:validated-constraint', '1:access-exclusive-lock']);
  });

  it('a new table built up in the same change is clean (where squawk-style linters report several issues)', async () => {
    expect(
      await findings(
        'create table users (id bigint primary key)',
        `create table invoices (id int, user_id bigint, total numeric(10,2), code text);
         create index invoices_user on invoices (user_id);
         alter table invoices add constraint invoices_user_fk foreign key (user_id) references users (id);
         alter table invoices add column status text not null;
         alter table invoices alter column id type bigint;
         alter table invoices alter column code set not null;
         alter table invoices add constraint invoices_code_key unique (code);
         alter table invoices rename column total to amount;
         alter table invoices alter column amount type numeric(8,2);
         drop index invoices_user;
         alter table invoices drop column status;
         truncate invoices`,
      ),
    ).toEqual([]);
  });
});
