import { createTestDatabase } from '../../../__tests__/helpers/pg.js';
import { addColumnNotNullNoDefault } from './add-column-not-null-no-default.js';
import { ruleJudge } from './testing.js';

const judge = ruleJudge(createTestDatabase);

describe('add-column-not-null-no-default', () => {
  it('fires on ADD COLUMN … NOT NULL without DEFAULT on a pre-existing table (which applies on the empty dev database)', async () => {
    const hits = await judge(addColumnNotNullNoDefault, {
      base: 'create table users (id int)',
      change: 'alter table users add column tenant_id int not null',
    });
    expect(hits).toHaveLength(1);
    expect(hits[0]?.message).toBe(
      'Adds NOT NULL column public.users.tenant_id without a DEFAULT: fails if public.users has any rows.',
    );
  });

  it('is silent on a table created earlier in the same change', async () => {
    expect(
      await judge(addColumnNotNullNoDefault, {
        change: 'create table t (id int); alter table t add column c int not null',
      }),
    ).toEqual([]);
  });

  it('is silent on the safe alternatives (a DEFAULT, identity, serial, nullable)', async () => {
    expect(
      await judge(addColumnNotNullNoDefault, {
        base: 'create table users (id int)',
        change:
          'alter table users add column a int not null default 0, add column b int generated always as identity, add column c bigserial, add column d int',
      }),
    ).toEqual([]);
  });

  it('is silent on ADD COLUMN IF NOT EXISTS of a column that already exists (a no-op)', async () => {
    expect(
      await judge(addColumnNotNullNoDefault, {
        base: 'create table users (id int, tenant_id int not null)',
        change: 'alter table users add column if not exists tenant_id int not null',
      }),
    ).toEqual([]);
  });
});
