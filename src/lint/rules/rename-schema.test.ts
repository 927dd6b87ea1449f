import { createTestDatabase } from '../../../__tests__/helpers/pg.js';
import { renameSchema } from './rename-schema.js';
import { ruleJudge } from './testing.js';

const judge = ruleJudge(createTestDatabase);

describe('rename-schema', () => {
  it('fires on a pre-existing schema', async () => {
    const hits = await judge(renameSchema, {
      base: 'create schema billing',
      change: 'alter schema billing rename to invoicing',
    });
    expect(hits.map((h) => h.message)).toEqual([
      'Renames schema billing to invoicing; queries, functions and search_path settings naming billing break.',
    ]);
  });

  it('is silent on a schema created earlier in the same change', async () => {
    expect(await judge(renameSchema, { change: 'create schema tmp; alter schema tmp rename to tmp2' })).toEqual([]);
  });

  it('is silent on the safe alternative (create the new schema next to the old one)', async () => {
    expect(await judge(renameSchema, { base: 'create schema billing', change: 'create schema invoicing' })).toEqual([]);
  });
});
