import { createTestDatabase } from '../../../__tests__/helpers/pg.js';
import { deleteWithoutWhere } from './delete-without-where.js';
import { ruleJudge } from './testing.js';

const judge = ruleJudge(createTestDatabase);

describe('delete-without-where', () => {
  it('fires on DELETE without WHERE on a pre-existing table (error)', async () => {
    const hits = await judge(deleteWithoutWhere, {
      base: 'create table sessions (id int)',
      change: 'delete from sessions',
    });
    expect(hits).toHaveLength(1);
    expect(hits[0]?.message).toBe('Deletes every row of table public.sessions (DELETE without WHERE).');
    expect(hits[0]?.severity).toBeUndefined();
  });

  it('reports UPDATE without WHERE of a pre-existing column as a warning, but not a backfill of a new column', async () => {
    const hits = await judge(deleteWithoutWhere, {
      base: 'create table users (id int, name text)',
      change: "alter table users add column display text; update users set display = name; update users set name = 'x'",
    });
    expect(hits).toHaveLength(1);
    expect(hits[0]?.statement).toBe(2);
    expect(hits[0]?.message).toContain('public.users.name');
    expect(hits[0]?.severity).toBe('warning');
  });

  it('is silent on a table created earlier in the same change', async () => {
    expect(
      await judge(deleteWithoutWhere, { change: 'create table tmp (id int); delete from tmp; update tmp set id = 1' }),
    ).toEqual([]);
  });

  it('is silent on the safe alternative (a WHERE clause)', async () => {
    expect(
      await judge(deleteWithoutWhere, {
        base: 'create table sessions (id int)',
        change: 'delete from sessions where id = 1; update sessions set id = 2 where id = 3',
      }),
    ).toEqual([]);
  });
});
