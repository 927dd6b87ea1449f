import { createTestDatabase } from '../../../__tests__/helpers/pg.js';
import { validatedConstraint } from './validated-constraint.js';
import { ruleJudge } from './testing.js';

const judge = ruleJudge(createTestDatabase);

const base = 'create table users (id int primary key); create table orders (id int, user_id int, total int)';

describe('validated-constraint', () => {
  it('fires on CHECK / FOREIGN KEY validated against the rows of a pre-existing table', async () => {
    const hits = await judge(validatedConstraint, {
      base,
      change:
        'alter table orders add constraint total_pos check (total > 0), add foreign key (user_id) references users (id)',
    });
    expect(hits.map((h) => h.message)).toEqual([
      'Adds CHECK constraint total_pos to public.orders validated against existing rows: fails if any row violates it.',
      'Adds foreign key constraint to public.orders validated against existing rows: fails if any row references a missing row.',
    ]);
  });

  it('fires on ALTER DOMAIN … ADD CONSTRAINT CHECK / SET NOT NULL of a pre-existing domain, not on NOT VALID', async () => {
    const hits = await judge(validatedConstraint, {
      base: 'create domain amount as int; create table t (a amount)',
      change:
        'alter domain amount add constraint amount_pos check (value > 0); alter domain amount add constraint amount_small check (value < 100) not valid; alter domain amount set not null',
    });
    expect(hits.map((h) => [h.statement, h.message])).toEqual([
      [
        0,
        'Adds CHECK constraint amount_pos to domain public.amount, validated against every stored value of its columns: fails if any violates it.',
      ],
      [
        2,
        'Sets NOT NULL on domain public.amount, validated against every stored value of its columns: fails if any violates it.',
      ],
    ]);
  });

  it('is silent on a domain created earlier in the same change', async () => {
    expect(
      await judge(validatedConstraint, {
        change: 'create domain d as int; alter domain d add constraint pos check (value > 0)',
      }),
    ).toEqual([]);
  });

  it('is silent on a table created earlier in the same change', async () => {
    expect(
      await judge(validatedConstraint, { base, change: 'create table t (n int); alter table t add check (n > 0)' }),
    ).toEqual([]);
  });

  it('is silent on the safe alternative (NOT VALID, then VALIDATE CONSTRAINT)', async () => {
    expect(
      await judge(validatedConstraint, {
        base,
        change:
          'alter table orders add constraint total_pos check (total > 0) not valid; alter table orders validate constraint total_pos',
      }),
    ).toEqual([]);
  });
});
