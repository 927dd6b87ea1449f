import { createTestDatabase } from '../../../__tests__/helpers/pg.js';
import { refreshMatviewBlocking } from './refresh-matview-blocking.js';
import { ruleJudge } from './testing.js';

const judge = ruleJudge(createTestDatabase);

const base =
  'create table t (id int); create materialized view stats as select count(*) as n from t; create unique index stats_n on stats (n)';

describe('refresh-matview-blocking', () => {
  it('fires on REFRESH without CONCURRENTLY of a pre-existing materialized view', async () => {
    const hits = await judge(refreshMatviewBlocking, { base, change: 'refresh materialized view stats' });
    expect(hits).toHaveLength(1);
    expect(hits[0]?.message).toBe(
      'Refreshes materialized view public.stats without CONCURRENTLY: reads of public.stats wait until the refresh finishes.',
    );
    expect(hits[0]?.evidence).toContain('AccessExclusiveLock on public.stats');
  });

  it('is silent on a materialized view created earlier in the same change', async () => {
    expect(
      await judge(refreshMatviewBlocking, {
        base: 'create table t (id int)',
        change: 'create materialized view m as select id from t; refresh materialized view m',
      }),
    ).toEqual([]);
  });

  it('is silent on the safe alternative (CONCURRENTLY)', async () => {
    expect(
      await judge(refreshMatviewBlocking, { base, change: 'refresh materialized view concurrently stats' }),
    ).toEqual([]);
  });
});
