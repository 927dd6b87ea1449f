import { createTestDatabase } from '../../../__tests__/helpers/pg.js';
import { setSchema } from './set-schema.js';
import { ruleJudge } from './testing.js';

const judge = ruleJudge(createTestDatabase);

describe('set-schema', () => {
  it('fires on pre-existing tables, types and functions moved to another schema', async () => {
    const hits = await judge(setSchema, {
      base: "create schema archive; create table logs (id int); create type mood as enum ('ok'); create function f(i int) returns int language sql as 'select i'",
      change:
        'alter table logs set schema archive; alter type mood set schema archive; alter function f(int) set schema archive',
    });
    expect(hits.map((h) => h.message)).toEqual([
      'Moves table public.logs to schema archive; code naming public.logs fails.',
      'Moves type public.mood to schema archive; code naming public.mood fails.',
      'Moves function public.f(integer) to schema archive; callers using the old name fail.',
    ]);
    expect(hits[0]?.suggestion).toContain('CREATE VIEW public.logs AS SELECT * FROM archive.logs');
  });

  it('is silent on objects created earlier in the same change', async () => {
    expect(
      await judge(setSchema, {
        base: 'create schema archive',
        change: 'create table tmp (id int); alter table tmp set schema archive',
      }),
    ).toEqual([]);
  });

  it('is silent on the safe alternative (a view in the new schema)', async () => {
    expect(
      await judge(setSchema, {
        base: 'create schema archive; create table logs (id int)',
        change: 'create view archive.logs as select * from public.logs',
      }),
    ).toEqual([]);
  });
});
