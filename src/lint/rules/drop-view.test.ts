import { createTestDatabase } from '../../../__tests__/helpers/pg.js';
import { dropView } from './drop-view.js';
import { ruleJudge } from './testing.js';

const judge = ruleJudge(createTestDatabase);

describe('drop-view', () => {
  it('fires on pre-existing views and materialized views', async () => {
    const hits = await judge(dropView, {
      base: 'create table t (id int); create view v as select id from t; create materialized view m as select id from t',
      change: 'drop view v; drop materialized view m',
    });
    expect(hits.map((h) => h.message)).toEqual([
      'Drops view public.v; queries reading it fail.',
      'Drops materialized view public.m; queries reading it fail.',
    ]);
    expect(hits[0]?.evidence).toEqual(['dropped: view public.v']);
    expect(hits[0]?.suggestion).toMatch(/CREATE OR REPLACE VIEW/);
  });

  it('is silent on a view created earlier in the same change', async () => {
    expect(
      await judge(dropView, {
        base: 'create table t (id int)',
        change: 'create view v as select id from t; drop view v',
      }),
    ).toEqual([]);
  });

  it('is silent on the safe alternative (CREATE OR REPLACE VIEW)', async () => {
    expect(
      await judge(dropView, {
        base: 'create table t (id int, n int); create view v as select id from t',
        change: 'create or replace view v as select id, n from t',
      }),
    ).toEqual([]);
  });
});
