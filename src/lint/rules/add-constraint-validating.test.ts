import { createTestDatabase } from '../../../__tests__/helpers/pg.js';
import { addConstraintValidating } from './add-constraint-validating.js';
import { ruleJudge } from './testing.js';

const judge = ruleJudge(createTestDatabase);

const base = 'create table users (id int primary key); create table orders (id int, user_id int, total int)';

describe('add-constraint-validating', () => {
  it('fires on FOREIGN KEY and CHECK without NOT VALID on a pre-existing table, with the locks of both tables', async () => {
    const hits = await judge(addConstraintValidating, {
      base,
      change:
        'alter table orders add constraint orders_user_fk foreign key (user_id) references users (id); alter table orders add constraint total_pos check (total > 0)',
    });
    expect(hits.map((h) => h.message)).toEqual([
      'Adds foreign key constraint orders_user_fk to public.orders and validates every existing row while writes wait.',
      'Adds CHECK constraint total_pos to public.orders and validates every existing row while reads and writes wait.',
    ]);
    expect(hits[0]?.evidence).toEqual(
      expect.arrayContaining(['ShareRowExclusiveLock on public.orders', 'ShareRowExclusiveLock on public.users']),
    );
    expect(hits[1]?.evidence).toContain('AccessExclusiveLock on public.orders');
    expect(hits[0]?.suggestion).toContain('VALIDATE CONSTRAINT orders_user_fk');
  });

  it('is silent on a table created earlier in the same change (even referencing a pre-existing one)', async () => {
    expect(
      await judge(addConstraintValidating, {
        base,
        change:
          'create table items (order_id int, user_id int); alter table items add foreign key (user_id) references users (id)',
      }),
    ).toEqual([]);
  });

  it('is silent on the safe alternative (NOT VALID, then VALIDATE CONSTRAINT)', async () => {
    expect(
      await judge(addConstraintValidating, {
        base,
        change:
          'alter table orders add constraint total_pos check (total > 0) not valid; alter table orders validate constraint total_pos',
      }),
    ).toEqual([]);
  });
});
