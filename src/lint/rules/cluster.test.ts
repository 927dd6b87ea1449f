import { createTestDatabase } from '../../../__tests__/helpers/pg.js';
import { cluster } from './cluster.js';
import { ruleJudge } from './testing.js';

const judge = ruleJudge(createTestDatabase);

describe('cluster', () => {
  it('fires on CLUSTER of a pre-existing table, with its lock', async () => {
    const hits = await judge(cluster, {
      base: 'create table t (id int); create index t_id on t (id)',
      change: 'cluster t using t_id',
    });
    expect(hits).toHaveLength(1);
    expect(hits[0]?.message).toBe(
      'CLUSTER rewrites public.t under an AccessExclusiveLock: reads and writes wait until it finishes.',
    );
    expect(hits[0]?.evidence).toContain('AccessExclusiveLock on public.t');
  });

  it('is silent on a table created earlier in the same change', async () => {
    expect(
      await judge(cluster, { change: 'create table t (id int); create index t_id on t (id); cluster t using t_id' }),
    ).toEqual([]);
  });

  it('is silent on the safe alternative (only marking the index for a later pg_repack/CLUSTER)', async () => {
    expect(
      await judge(cluster, {
        base: 'create table t (id int); create index t_id on t (id)',
        change: 'alter table t cluster on t_id',
      }),
    ).toEqual([]);
  });
});
