import { createTestDatabase } from '../../../__tests__/helpers/pg.js';
import { reindexBlocking } from './reindex-blocking.js';
import { ruleJudge } from './testing.js';

const judge = ruleJudge(createTestDatabase);

const base = 'create table t (id int); create index t_id on t (id)';

describe('reindex-blocking', () => {
  it('fires on REINDEX INDEX / TABLE without CONCURRENTLY of pre-existing objects', async () => {
    const hits = await judge(reindexBlocking, { base, change: 'reindex index t_id; reindex table t' });
    expect(hits.map((h) => h.message)).toEqual([
      'REINDEX INDEX public.t_id without CONCURRENTLY: writes wait while it rebuilds.',
      'REINDEX TABLE public.t without CONCURRENTLY: writes wait while it rebuilds.',
    ]);
    expect(hits[1]?.evidence).toContain('ShareLock on public.t');
  });

  it('is silent on objects created earlier in the same change', async () => {
    expect(
      await judge(reindexBlocking, {
        change: 'create table n (id int); create index n_id on n (id); reindex index n_id; reindex table n',
      }),
    ).toEqual([]);
  });

  it('is silent on the safe alternative (REINDEX … CONCURRENTLY)', async () => {
    expect(await judge(reindexBlocking, { base, change: 'reindex index concurrently t_id' })).toEqual([]);
  });
});
