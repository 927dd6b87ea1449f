import { createTestDatabase } from '../../../__tests__/helpers/pg.js';
import { renameColumn } from './rename-column.js';
import { ruleJudge } from './testing.js';

const judge = ruleJudge(createTestDatabase);

describe('rename-column', () => {
  it('fires on a pre-existing column', async () => {
    const hits = await judge(renameColumn, {
      base: 'create table users (id int, mail text)',
      change: 'alter table users rename column mail to email',
    });
    expect(hits).toHaveLength(1);
    expect(hits[0]?.message).toBe(
      'Renames column public.users.mail to email; running code that uses mail fails until it is redeployed.',
    );
    expect(hits[0]?.evidence).toEqual(['AccessExclusiveLock on public.users']);
  });

  it('is silent on a column added earlier in the same change', async () => {
    expect(
      await judge(renameColumn, {
        base: 'create table users (id int)',
        change: 'alter table users add column mial text; alter table users rename column mial to mail',
      }),
    ).toEqual([]);
  });

  it('is silent on the safe alternative (add the new column)', async () => {
    expect(
      await judge(renameColumn, {
        base: 'create table users (id int, mail text)',
        change: 'alter table users add column email text',
      }),
    ).toEqual([]);
  });
});
