import { createTestDatabase } from '../../../__tests__/helpers/pg.js';
import { setNotNull } from './set-not-null.js';
import { ruleJudge } from './testing.js';

const judge = ruleJudge(createTestDatabase);

describe('set-not-null', () => {
  it('fires on SET NOT NULL of a column of a pre-existing table, with the catalog change and lock', async () => {
    const hits = await judge(setNotNull, {
      base: 'create table users (id int, email text)',
      change: 'alter table users alter column email set not null',
    });
    expect(hits).toHaveLength(1);
    expect(hits[0]?.message).toBe(
      'Sets public.users.email NOT NULL: fails if any existing row is NULL, and scans public.users while reads and writes wait.',
    );
    expect(hits[0]?.evidence).toEqual([
      'changed: column public.users.email: text → text NOT NULL',
      'AccessExclusiveLock on public.users',
    ]);
    expect(hits[0]?.suggestion).toContain('CHECK (email IS NOT NULL) NOT VALID');
  });

  it('is silent on a table created earlier in the same change', async () => {
    expect(
      await judge(setNotNull, { change: 'create table t (id int); alter table t alter column id set not null' }),
    ).toEqual([]);
  });

  it('is silent on the safe path: validated CHECK (col IS NOT NULL) first, then SET NOT NULL', async () => {
    expect(
      await judge(setNotNull, {
        base: 'create table users (id int, email text)',
        change: `alter table users add constraint email_nn check (email is not null) not valid;
                 alter table users validate constraint email_nn;
                 alter table users alter column email set not null`,
      }),
    ).toEqual([]);
  });

  it('still fires when the CHECK is not validated yet', async () => {
    const hits = await judge(setNotNull, {
      base: 'create table users (id int, email text)',
      change:
        'alter table users add constraint email_nn check (email is not null) not valid; alter table users alter column email set not null',
    });
    expect(hits.map((h) => h.statement)).toEqual([1]);
  });

  it('an ADD PRIMARY KEY (also USING INDEX) on nullable existing columns is their implicit SET NOT NULL', async () => {
    const hits = await judge(setNotNull, {
      base: 'create table t (id int, e text); create unique index t_e_idx on t (e); create table u (id int not null)',
      change: 'alter table t add primary key (id); alter table u add primary key (id)',
    });
    expect(hits.map((h) => [h.statement, h.message])).toEqual([
      [
        0,
        'Makes public.t.id NOT NULL implicitly (PRIMARY KEY): fails if any existing row is NULL, and scans public.t while reads and writes wait.',
      ],
    ]);
    const using = await judge(setNotNull, {
      base: 'create table t (e text); create unique index t_e_idx on t (e)',
      change: 'alter table t add constraint t_pkey primary key using index t_e_idx',
    });
    expect(using.map((h) => h.message)).toEqual([expect.stringContaining('Makes public.t.e NOT NULL implicitly')]);
  });
});
