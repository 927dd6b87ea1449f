import { createTestDatabase } from '../../../__tests__/helpers/pg.js';
import { renameTable } from './rename-table.js';
import { ruleJudge } from './testing.js';

const judge = ruleJudge(createTestDatabase);

describe('rename-table', () => {
  it('fires on a pre-existing table, with the lock as evidence', async () => {
    const hits = await judge(renameTable, {
      base: 'create table users (id int)',
      change: 'alter table users rename to accounts',
    });
    expect(hits).toHaveLength(1);
    expect(hits[0]?.message).toBe(
      'Renames table public.users to accounts; running code that uses users fails until it is redeployed.',
    );
    expect(hits[0]?.evidence).toEqual(['AccessExclusiveLock on public.users']);
    expect(hits[0]?.suggestion).toContain('CREATE VIEW users AS SELECT * FROM accounts');
  });

  it('is silent on a table created earlier in the same change', async () => {
    expect(
      await judge(renameTable, { change: 'create table draft (id int); alter table draft rename to final' }),
    ).toEqual([]);
  });

  it('is silent on the safe alternative (a new view under the new name)', async () => {
    expect(
      await judge(renameTable, {
        base: 'create table users (id int)',
        change: 'create view accounts as select * from users',
      }),
    ).toEqual([]);
  });
});
