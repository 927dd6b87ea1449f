import { createTestDatabase } from '../../../__tests__/helpers/pg.js';
import { narrowingReason, narrowingType } from './narrowing-type.js';
import { ruleJudge } from './testing.js';

const judge = ruleJudge(createTestDatabase);

describe('narrowing-type', () => {
  it('fires on narrowing type changes of pre-existing columns, with the before/after types from the catalog', async () => {
    const hits = await judge(narrowingType, {
      base: 'create table t (name varchar(255) not null, n bigint, amount numeric(12,2), note text, at timestamptz)',
      change: `alter table t alter column name type varchar(50);
               alter table t alter column n type integer;
               alter table t alter column amount type numeric(8,2);
               alter table t alter column note type integer using note::integer;
               alter table t alter column at type date`,
    });
    expect(hits.map((h) => h.message)).toEqual([
      'Changes public.t.name from character varying(255) to character varying(50): longer values make it fail on existing rows.',
      'Changes public.t.n from bigint to integer: values outside the integer range make it fail on existing rows.',
      'Changes public.t.amount from numeric(12,2) to numeric(8,2): larger values make it fail (numeric field overflow) on existing rows.',
      'Changes public.t.note from text to integer: values that do not convert to integer make it fail on existing rows.',
      'Changes public.t.at from timestamp with time zone to date: the time of day is lost on existing rows.',
    ]);
    expect(hits[0]?.evidence).toEqual([
      'changed: column public.t.name: character varying(255) NOT NULL → character varying(50) NOT NULL',
    ]);
  });

  it('is silent on a column added earlier in the same change', async () => {
    expect(
      await judge(narrowingType, {
        base: 'create table t (id int)',
        change: 'alter table t add column v text; alter table t alter column v type varchar(10)',
      }),
    ).toEqual([]);
  });

  it('is silent on the safe alternatives (widening)', async () => {
    expect(
      await judge(narrowingType, {
        base: 'create table t (name varchar(50), n integer, amount numeric(8,2))',
        change:
          'alter table t alter column name type varchar(255); alter table t alter column name type text; alter table t alter column n type bigint; alter table t alter column amount type numeric(12,2)',
      }),
    ).toEqual([]);
  });

  it('knows which conversions narrow', () => {
    expect(narrowingReason('text', 'character varying(20)')).toBeDefined();
    expect(narrowingReason('character varying(20)', 'text')).toBeUndefined();
    expect(narrowingReason('numeric', 'numeric(10,2)')).toBeDefined();
    expect(narrowingReason('numeric(10,4)', 'numeric(12,2)')).toMatch(/rounded/);
    expect(narrowingReason('double precision', 'real')).toBeDefined();
    expect(narrowingReason('integer', 'numeric(5,0)')).toBeDefined();
    expect(narrowingReason('integer', 'numeric(12,2)')).toBeUndefined();
    expect(narrowingReason('smallint', 'integer')).toBeUndefined();
  });
});
