import { createTestDatabase } from '../../../__tests__/helpers/pg.js';
import { createIndexBlocking } from './create-index-blocking.js';
import { ruleJudge } from './testing.js';

const judge = ruleJudge(createTestDatabase);

describe('create-index-blocking', () => {
  it('fires on CREATE INDEX without CONCURRENTLY on a pre-existing table, with the ShareLock as evidence', async () => {
    const hits = await judge(createIndexBlocking, {
      base: 'create table users (id int, email text)',
      change: 'create index users_email on users (email)',
    });
    expect(hits).toHaveLength(1);
    expect(hits[0]?.message).toBe(
      'Builds index users_email on public.users without CONCURRENTLY: writes to public.users wait until the build finishes.',
    );
    expect(hits[0]?.evidence).toEqual(['ShareLock on public.users']);
    expect(hits[0]?.suggestion).toMatch(/CONCURRENTLY in its own migration/);
  });

  it('fires on ADD CONSTRAINT UNIQUE / PRIMARY KEY that builds its index under an AccessExclusiveLock', async () => {
    const hits = await judge(createIndexBlocking, {
      base: 'create table users (id int not null, email text)',
      change: 'alter table users add primary key (id), add constraint users_email_key unique (email)',
    });
    expect(hits.map((h) => h.message)).toEqual([
      'Adds PRIMARY KEY to public.users, building its index under an AccessExclusiveLock: reads and writes wait until it is built.',
      'Adds UNIQUE constraint users_email_key to public.users, building its index under an AccessExclusiveLock: reads and writes wait until it is built.',
    ]);
    expect(hits[0]?.evidence).toContain('AccessExclusiveLock on public.users');
  });

  it('is silent on a table created earlier in the same change', async () => {
    expect(
      await judge(createIndexBlocking, {
        change: 'create table t (id int); create index t_id on t (id); alter table t add unique (id)',
      }),
    ).toEqual([]);
  });

  it('is silent on the safe alternatives (CONCURRENTLY, then ADD CONSTRAINT … USING INDEX)', async () => {
    expect(
      await judge(createIndexBlocking, {
        base: 'create table users (id int, email text)',
        change:
          'create unique index concurrently users_email_key on users (email); alter table users add constraint users_email_key unique using index users_email_key',
      }),
    ).toEqual([]);
  });

  it('is silent on CREATE INDEX IF NOT EXISTS of an index that already exists (a no-op)', async () => {
    expect(
      await judge(createIndexBlocking, {
        base: 'create table users (id int); create index users_id on users (id)',
        change: 'create index if not exists users_id on users (id)',
      }),
    ).toEqual([]);
  });
});
