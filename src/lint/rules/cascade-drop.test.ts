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

  it('is silent on renames and moves (the diff shows the old names as dropped)', async () => {
    expect(
      await judge(cascadeDrop, {
        base: 'create schema archive; create table t (id int, a int); create index t_a on t (a); create table u (id int)',
        change:
          'alter table t rename column a to b; alter index t_a rename to t_b; alter table t rename to t2; alter table u set schema archive',
      }),
    ).toEqual([]);
  });

  it('is silent when the named constraint or trigger has a long name (PostgreSQL identifier limit)', async () => {
    const fk = 'TaskRunCheckpoint_runtimeEnvironmentId_fkey';
    const trigger = 'trigger_crate_owner_invitations_set_token_generated_at';
    expect(
      await judge(cascadeDrop, {
        base: `create table "RuntimeEnvironment" (id int primary key);
               create table "TaskRunCheckpoint" ("runtimeEnvironmentId" int);
               alter table "TaskRunCheckpoint" add constraint "${fk}" foreign key ("runtimeEnvironmentId") references "RuntimeEnvironment" (id);
               create table crate_owner_invitations (id int);
               create function tf() returns trigger language plpgsql as 'begin return new; end';
               create trigger ${trigger} before insert on crate_owner_invitations for each row execute function tf()`,
        change: `alter table "TaskRunCheckpoint" drop constraint if exists "${fk}"; drop trigger ${trigger} on crate_owner_invitations`,
      }),
    ).toEqual([]);
  });

  it('reports the partitions a DROP TABLE of a partitioned table takes with it', async () => {
    const hits = await judge(cascadeDrop, {
      base: `create table events (id int, at date) partition by range (at);
             create table events_2024 partition of events for values from ('2024-01-01') to ('2025-01-01')`,
      change: 'drop table events',
    });
    expect(hits.map((h) => h.evidence)).toEqual([['dropped: table public.events_2024']]);
    expect(hits[0]?.message).toContain('dropped with it as dependents, e.g. partitions');
  });

  it('DROP FUNCTION … CASCADE: the column default that used the function is a victim', async () => {
    const hits = await judge(cascadeDrop, {
      base: `create function next_code() returns int language sql as 'select 1';
             create table t (id int, code int default next_code())`,
      change: 'drop function next_code() cascade',
    });
    expect(hits.map((h) => h.message)).toEqual([
      'Also drops the default of column public.t.code, which `drop function next_code() cascade` does not name (CASCADE).',
    ]);
    expect(hits[0]?.evidence).toEqual(['changed: column public.t.code: integer DEFAULT next_code() → integer']);
  });

  it('ALTER COLUMN … DROP IDENTITY: its identity sequence is not a CASCADE victim', async () => {
    expect(
      await judge(cascadeDrop, {
        base: 'create table t (id int generated always as identity, v text)',
        change: 'alter table t alter column id drop identity',
      }),
    ).toEqual([]);
  });
});
