import { createTestDatabase } from '../../../__tests__/helpers/pg.js';
import { dropTable } from './drop-table.js';
import { ruleJudge } from './testing.js';

const judge = ruleJudge(createTestDatabase);

describe('drop-table', () => {
  it('fires on a table that existed before the change, with the dropped objects as evidence', async () => {
    const hits = await judge(dropTable, {
      base: 'create table users (id serial primary key, email text)',
      change: 'drop table users',
    });
    expect(hits).toHaveLength(1);
    expect(hits[0]?.message).toContain('public.users');
    expect(hits[0]?.suggestion).toMatch(/later migration/);
    expect(hits[0]?.evidence).toEqual(
      expect.arrayContaining([
        'dropped: table public.users',
        'dropped: index public.users_pkey',
        'dropped: sequence public.users_id_seq',
      ]),
    );
  });

  it('names each pre-existing table of a multi-table drop, schema-qualified', async () => {
    const hits = await judge(dropTable, {
      base: 'create schema app; create table app.a (id int); create table b (id int)',
      change: 'create table c (id int); drop table if exists app.a, b, c, nope',
    });
    expect(hits.map((h) => h.message)).toEqual([
      'Drops table app.a and all of its rows.',
      'Drops table public.b and all of its rows.',
    ]);
  });

  it('is silent on a table created earlier in the same change', async () => {
    expect(await judge(dropTable, { change: 'create table tmp (id int); drop table tmp' })).toEqual([]);
  });

  it('is silent on the safe alternative (rename to keep the data)', async () => {
    expect(
      await judge(dropTable, {
        base: 'create table users (id int)',
        change: 'alter table users rename to users_deprecated',
      }),
    ).toEqual([]);
  });

  it('is silent on DROP TABLE IF EXISTS of a table an earlier statement of the change already dropped', async () => {
    const hits = await judge(dropTable, {
      base: 'create table users (id int)',
      change: 'drop table users; drop table if exists users',
    });
    expect(hits.map((h) => h.statement)).toEqual([0]);
  });

  it('quotes mixed-case names in its SQL suggestion', async () => {
    const hits = await judge(dropTable, {
      base: 'create table "TaskRunTag" (id int)',
      change: 'drop table "TaskRunTag"',
    });
    expect(hits[0]?.suggestion).toContain('ALTER TABLE public."TaskRunTag" RENAME TO "TaskRunTag_deprecated"');
  });
});
