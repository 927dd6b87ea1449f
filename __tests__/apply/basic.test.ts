import { apply, status } from '../../src/apply/index.js';
import { MemoryLogger } from '../../src/logger.js';
import { createTestDatabase, type TestDatabase } from '../helpers/pg.js';
import { exists, historyRows, rows, TempDir } from './fixtures.js';

let db: TestDatabase;
let dir: TempDir;

beforeEach(async () => {
  db = await createTestDatabase('apply');
  dir = new TempDir();
});
afterEach(async () => {
  await db.drop();
  dir.remove();
});

const base = () => ({ databaseUrl: db.url, dir: dir.path, format: 'plain' as const, logger: new MemoryLogger(), cwd: dir.path });

describe('apply', () => {
  it('applies pending migrations once, records history, and a second run is a no-op', async () => {
    dir.write({
      '1_users.sql': 'CREATE TABLE users (id int PRIMARY KEY);\n',
      '2_posts.sql': 'CREATE TABLE posts (id int PRIMARY KEY, user_id int REFERENCES users);\nINSERT INTO users VALUES (1);\n',
    });
    const r = await apply(base());
    expect(r.error).toBeUndefined();
    expect(r.ok).toBe(true);
    expect(r.appliedCount).toBe(2);
    expect(r.pendingCount).toBe(0);
    expect(r.currentVersion).toBe('2');
    expect(r.migrations.map((m) => [m.file, m.status])).toEqual([
      ['1_users.sql', 'applied'],
      ['2_posts.sql', 'applied'],
    ]);
    const h = await historyRows(db.url);
    expect(h.map((x) => [x.key, x.status])).toEqual([
      ['1', 'applied'],
      ['2', 'applied'],
    ]);
    expect(h[0]!.applied_by).toMatch(/^postgres \(/);
    expect(h[0]!.execution_ms).toBeGreaterThanOrEqual(0);

    const again = await apply(base());
    expect(again.ok).toBe(true);
    expect(again.appliedCount).toBe(0);
    expect(again.migrations).toEqual([]);
    expect(again.currentVersion).toBe('2');
    expect(await rows(db.url, 'SELECT * FROM users')).toHaveLength(1);

    const s = await status(base());
    expect(s.ok).toBe(true);
    expect(s.migrations.map((m) => m.state)).toEqual(['applied', 'applied']);
    expect(await exists(db.url, 'posts')).toBe(true);
  });
});
