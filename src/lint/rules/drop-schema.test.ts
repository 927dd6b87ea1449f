import { createTestDatabase } from '../../../__tests__/helpers/pg.js';
import { dropSchema } from './drop-schema.js';
import { ruleJudge } from './testing.js';

const judge = ruleJudge(createTestDatabase);

describe('drop-schema', () => {
  it('fires on a pre-existing schema and lists what CASCADE took with it', async () => {
    const hits = await judge(dropSchema, {
      base: 'create schema billing; create table billing.invoices (id int); create view billing.v as select * from billing.invoices',
      change: 'drop schema billing cascade',
    });
    expect(hits).toHaveLength(1);
    expect(hits[0]?.message).toBe('Drops schema billing and everything in it (1 table with their rows).');
    expect(hits[0]?.evidence).toEqual(
      expect.arrayContaining(['dropped: schema billing', 'dropped: table billing.invoices', 'dropped: view billing.v']),
    );
    expect(hits[0]?.evidence).not.toContain('dropped: column billing.invoices.id');
  });

  it('is silent on a schema created earlier in the same change', async () => {
    expect(
      await judge(dropSchema, {
        change: 'create schema scratch; create table scratch.t (id int); drop schema scratch cascade',
      }),
    ).toEqual([]);
  });

  it('is silent on the safe alternative (drop an empty schema that was never released? no: keep it)', async () => {
    expect(await judge(dropSchema, { base: 'create schema billing', change: 'create schema billing_v2' })).toEqual([]);
  });
});
