import { createTestDatabase } from '../../../__tests__/helpers/pg.js';
import { vacuumFull } from './vacuum-full.js';
import { ruleJudge } from './testing.js';

const judge = ruleJudge(createTestDatabase);

describe('vacuum-full', () => {
  it('fires on VACUUM FULL of a pre-existing table, with the rewrite seen on the dev database', async () => {
    const hits = await judge(vacuumFull, { base: 'create table t (id int)', change: 'vacuum (full, analyze) t' });
    expect(hits).toHaveLength(1);
    expect(hits[0]?.message).toBe(
      'VACUUM FULL rewrites public.t under an AccessExclusiveLock: reads and writes wait until it finishes.',
    );
    expect(hits[0]?.evidence).toEqual(['relfilenode changed: public.t rewritten']);
  });

  it('is silent on a table created earlier in the same change', async () => {
    expect(await judge(vacuumFull, { change: 'create table t (id int); vacuum full t' })).toEqual([]);
  });

  it('is silent on the safe alternative (plain VACUUM)', async () => {
    expect(await judge(vacuumFull, { base: 'create table t (id int)', change: 'vacuum analyze t' })).toEqual([]);
  });
});
