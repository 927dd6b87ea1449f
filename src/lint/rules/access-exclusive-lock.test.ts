import { createTestDatabase } from '../../../__tests__/helpers/pg.js';
import { allRules } from './index.js';
import { ruleJudge } from './testing.js';

const judge = ruleJudge(createTestDatabase);
const rule = allRules.find((r) => r.id === 'access-exclusive-lock')!;

describe('access-exclusive-lock', () => {
  it('fires as a notice on a fast ALTER of a pre-existing table that no other rule reports, suggesting lock_timeout', async () => {
    const hits = await judge(rule, {
      base: 'create table users (id int)',
      change: 'alter table users add column nickname text',
    });
    expect(hits).toHaveLength(1);
    expect(hits[0]?.severity).toBe('notice');
    expect(hits[0]?.evidence).toEqual(['AccessExclusiveLock on public.users']);
    expect(hits[0]?.suggestion).toMatch(/lock_timeout/);
  });

  it('reports even the brief AccessExclusiveLock of ADD CHECK … NOT VALID (as a notice)', async () => {
    const hits = await judge(rule, {
      base: 'create table t (id int, c int)',
      change: 'alter table t add constraint c_pos check (c > 0) not valid',
    });
    expect(hits.map((h) => h.severity)).toEqual(['notice']);
  });

  it('reports metadata-only statements (a trigger drop) as a notice, and LOCK TABLE as a warning', async () => {
    const hits = await judge(rule, {
      base: "create table t (id int); create function tf() returns trigger language plpgsql as 'begin return new; end'; create trigger tr before insert on t for each row execute function tf()",
      change: 'drop trigger tr on t; lock table t in access exclusive mode',
    });
    expect(hits.map((h) => [h.statement, h.severity])).toEqual([
      [0, 'notice'],
      [1, undefined],
    ]);
    expect(hits[1]?.message).toContain('public.t');
  });

  it('stays silent when a more specific rule already reports the statement', async () => {
    expect(
      await judge(rule, {
        base: 'create table t (id int, c int)',
        change:
          'alter table t alter column id type bigint; alter table t alter column c set not null; alter table t drop column c',
      }),
    ).toEqual([]);
  });

  it('is silent on a table created earlier in the same change', async () => {
    expect(await judge(rule, { change: 'create table t (id int); alter table t add column c int' })).toEqual([]);
  });

  it('is silent on statements that take weaker locks (the safe alternatives)', async () => {
    expect(
      await judge(rule, {
        base: 'create table u (id int primary key); create table t (id int, c int)',
        change:
          'alter table t add constraint t_c_fk foreign key (c) references u (id) not valid; alter table t validate constraint t_c_fk; create index concurrently t_c on t (c)',
      }),
    ).toEqual([]);
  });
});
