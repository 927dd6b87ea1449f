import { createTestDatabase } from '../../../__tests__/helpers/pg.js';
import { dropColumn } from './drop-column.js';
import { ruleJudge } from './testing.js';

const judge = ruleJudge(createTestDatabase);

describe('drop-column', () => {
  it('fires on a pre-existing column, listing the indexes PostgreSQL drops with it', async () => {
    const hits = await judge(dropColumn, {
      base: 'create table users (id int primary key, email text); create index users_email_idx on users (email)',
      change: 'alter table users drop column email',
    });
    expect(hits).toHaveLength(1);
    expect(hits[0]?.message).toBe('Drops column public.users.email and its data.');
    expect(hits[0]?.evidence).toEqual(['dropped: column public.users.email', 'dropped: index public.users_email_idx']);
    expect(hits[0]?.suggestion).toMatch(/no longer reads or writes email/);
  });

  it('resolves unqualified names through the search_path the migration set', async () => {
    const hits = await judge(dropColumn, {
      base: 'create schema app; create table app.events (id int, payload text)',
      change: 'set search_path = app; alter table events drop column payload',
    });
    expect(hits.map((h) => h.message)).toEqual(['Drops column app.events.payload and its data.']);
  });

  it('is silent on a column added earlier in the same change, and on a table created in it', async () => {
    expect(
      await judge(dropColumn, {
        base: 'create table users (id int)',
        change:
          'alter table users add column tmp int; alter table users drop column tmp; create table t (a int, b int); alter table t drop column b',
      }),
    ).toEqual([]);
  });

  it('is silent on the safe alternative (keeping the column, dropping only its NOT NULL)', async () => {
    expect(
      await judge(dropColumn, {
        base: 'create table users (id int, email text not null)',
        change: 'alter table users alter column email drop not null',
      }),
    ).toEqual([]);
  });
});
