import { createTestDatabase } from '../../../__tests__/helpers/pg.js';
import { renameView } from './rename-view.js';
import { ruleJudge } from './testing.js';

const judge = ruleJudge(createTestDatabase);

describe('rename-view', () => {
  it('fires on pre-existing views and materialized views', async () => {
    const hits = await judge(renameView, {
      base: 'create table t (id int); create view v as select id from t; create materialized view m as select id from t',
      change: 'alter view v rename to v2; alter materialized view m rename to m2',
    });
    expect(hits.map((h) => h.message)).toEqual([
      'Renames view public.v to v2; code reading v fails until it is redeployed.',
      'Renames materialized view public.m to m2; code reading m fails until it is redeployed.',
    ]);
  });

  it('is silent on a view created earlier in the same change', async () => {
    expect(
      await judge(renameView, {
        base: 'create table t (id int)',
        change: 'create view v as select id from t; alter view v rename to v2',
      }),
    ).toEqual([]);
  });

  it('is silent on the safe alternative (a second view under the new name)', async () => {
    expect(
      await judge(renameView, {
        base: 'create table t (id int); create view v as select id from t',
        change: 'create view v2 as select * from v',
      }),
    ).toEqual([]);
  });
});
