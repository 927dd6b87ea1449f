import { createTestDatabase } from '../../../__tests__/helpers/pg.js';
import { addUnique } from './add-unique.js';
import { ruleJudge } from './testing.js';

const judge = ruleJudge(createTestDatabase);

describe('add-unique', () => {
  it('fires on unique indexes and UNIQUE / PRIMARY KEY constraints on a pre-existing table', async () => {
    const hits = await judge(addUnique, {
      base: 'create table users (id int not null, email text, handle text)',
      change:
        'create unique index concurrently users_email on users (email); alter table users add primary key (id), add constraint users_handle_key unique (handle)',
    });
    expect(hits.map((h) => h.message)).toEqual([
      'Creates unique index users_email on public.users: fails if existing rows have duplicate values (and leaves an INVALID index behind).',
      'Adds PRIMARY KEY to public.users: fails if existing rows have duplicate or NULL values.',
      'Adds UNIQUE constraint users_handle_key to public.users: fails if existing rows have duplicate values.',
    ]);
  });

  it('is silent on a table created earlier in the same change', async () => {
    expect(
      await judge(addUnique, {
        change: 'create table t (id int); create unique index t_id on t (id); alter table t add unique (id)',
      }),
    ).toEqual([]);
  });

  it('is silent on the safe alternatives (a non-unique index; a constraint USING an existing unique index)', async () => {
    expect(
      await judge(addUnique, {
        base: 'create table users (id int, email text); create unique index users_email_key on users (email)',
        change:
          'create index concurrently users_id on users (id); alter table users add constraint users_email_key unique using index users_email_key',
      }),
    ).toEqual([]);
  });
});
