import { createTestDatabase } from '../../../__tests__/helpers/pg.js';
import { dropIndex } from './drop-index.js';
import { ruleJudge } from './testing.js';

const judge = ruleJudge(createTestDatabase);

const base = 'create table t (id int); create index t_id on t (id)';

describe('drop-index', () => {
  it('fires on DROP INDEX without CONCURRENTLY of a pre-existing index, with the table lock', async () => {
    const hits = await judge(dropIndex, { base, change: 'drop index t_id' });
    expect(hits).toHaveLength(1);
    expect(hits[0]?.message).toBe(
      'Drops index public.t_id on public.t without CONCURRENTLY: reads and writes of the table queue behind its AccessExclusiveLock.',
    );
    expect(hits[0]?.evidence).toEqual(['AccessExclusiveLock on public.t']);
  });

  it('is silent on an index created earlier in the same change', async () => {
    expect(await judge(dropIndex, { base, change: 'create index t_id2 on t (id); drop index t_id2' })).toEqual([]);
  });

  it('is silent on the safe alternative (DROP INDEX CONCURRENTLY)', async () => {
    expect(await judge(dropIndex, { base, change: 'drop index concurrently t_id' })).toEqual([]);
  });

  it('is silent on DROP INDEX IF EXISTS of an index an earlier statement already dropped with its constraint', async () => {
    expect(
      await judge(dropIndex, {
        base: 'create table jobs (id int, name text, constraint jobs_name_key unique (name))',
        change: 'alter table jobs drop constraint jobs_name_key; drop index if exists jobs_name_key',
      }),
    ).toEqual([]);
  });
});
