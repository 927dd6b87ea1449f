import { rmSync } from 'node:fs';
import { DbActionError } from '../../src/errors.js';
import { MemoryLogger } from '../../src/logger.js';
import { ensureBaseCommit, resolveBase } from '../../action-lint/git-base.js';
import { git, pullRequestRepo, shallowCheckout, type PullRequestRepo } from './git-repo.js';

describe('resolveBase', () => {
  let repo: PullRequestRepo;
  beforeAll(() => {
    repo = pullRequestRepo(
      { 'db/1_init.sql': 'create table t (id int);\n' },
      { 'db/2_more.sql': 'alter table t add column x int;\n' },
      3,
    );
  });
  afterAll(() => rmSync(repo.root, { recursive: true, force: true }));
  const pr = () => ({ pull_request: { number: 1, base: { sha: repo.baseSha }, head: { sha: repo.headSha } } });

  it('uses the pull request base commit when it is in the checkout', async () => {
    const choice = await resolveBase({
      eventName: 'pull_request',
      payload: pr(),
      cwd: repo.workspace,
      logger: new MemoryLogger(),
    });
    expect(choice).toMatchObject({ base: repo.baseSha });
    expect(choice.latest).toBeUndefined();
  });

  it('in a depth-1 checkout fetches the base commit and deepens until a merge base exists', async () => {
    const ws = shallowCheckout(repo);
    expect(() => git(ws, 'cat-file', '-e', `${repo.baseSha}^{commit}`)).toThrow();
    const logger = new MemoryLogger();
    const choice = await resolveBase({
      eventName: 'pull_request',
      payload: pr(),
      cwd: ws,
      logger,
      deepenSteps: [1, 2, 50],
    });
    expect(choice.base).toBe(repo.baseSha);
    expect(git(ws, 'merge-base', repo.baseSha, 'HEAD')).toBe(repo.baseSha);
    expect(logger.text()).toContain('fetching it from origin');
    expect(logger.text()).toContain('deepening');
  });

  it('fails with the fetch-depth hint when the base cannot be fetched', async () => {
    const ws = shallowCheckout(repo, 'shallow2');
    const missing = 'f'.repeat(40);
    const err = await ensureBaseCommit(ws, missing, new MemoryLogger()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DbActionError);
    expect((err as DbActionError).hint).toContain('fetch-depth: 0');
    expect((err as DbActionError).hint).toContain('a typo?');
    // git's own reason, whole, in parentheses (not a truncated last line)
    expect((err as DbActionError).message).toMatch(
      /^Could not fetch the base revision f{40} from origin \((fatal|error): .+\)$/,
    );
  });

  it('takes the input base (a branch name) over the event', async () => {
    const choice = await resolveBase({
      input: 'origin/main',
      eventName: 'pull_request',
      payload: pr(),
      cwd: repo.workspace,
      logger: new MemoryLogger(),
    });
    expect(choice.base).toBe(repo.baseSha);
    expect(choice.reason).toContain('input base');
  });

  it('on push uses the commit before the push, and the last migration for a new branch', async () => {
    const before = await resolveBase({
      eventName: 'push',
      payload: { before: repo.baseSha },
      cwd: repo.workspace,
      logger: new MemoryLogger(),
    });
    expect(before.base).toBe(repo.baseSha);
    const created = await resolveBase({
      eventName: 'push',
      payload: { before: '0'.repeat(40), created: true },
      cwd: repo.workspace,
      logger: new MemoryLogger(),
    });
    expect(created).toMatchObject({ latest: 1 });
    expect(created.base).toBeUndefined();
  });

  it('on other events treats the last migration as new', async () => {
    expect(
      await resolveBase({
        eventName: 'workflow_dispatch',
        payload: {},
        cwd: repo.workspace,
        logger: new MemoryLogger(),
      }),
    ).toMatchObject({ latest: 1 });
  });
});
