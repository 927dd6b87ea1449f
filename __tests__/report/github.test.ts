import { jest } from '@jest/globals';
import { getOctokit } from '@actions/github';
import { MemoryLogger } from '../../src/logger.js';
import {
  ourComment,
  annotateFindings,
  commentMarker,
  isPermissionError,
  reportToGithub,
  upsertStickyComment,
} from '../../src/report/github.js';
import { COMMENT_LIMIT } from '../../src/report/markdown.js';
import { FakeGithub } from '../action-lint/fake-github.js';
import { bigReport, cleanReport, sampleReport } from './fixtures.js';

describe('annotateFindings', () => {
  it('writes one workflow command per finding at its repo-relative file and line span', () => {
    const written: string[] = [];
    const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    try {
      expect(annotateFindings(sampleReport().findings)).toBe(3);
    } finally {
      spy.mockRestore();
    }
    const out = written.join('');
    expect(out).toContain(
      '::error title=db-action%3A destructive (drop-column),file=db/migrations/20240102000000_drop_email.sql,line=3,endLine=4::Drops column public.users.email, which holds data in production.%0ASuggestion: Stop reading',
    );
    expect(out).toContain(
      '::warning title=db-action%3A blocking-lock (create-index-non-concurrently),file=db/migrations/20240103000000_index.sql,line=1,endLine=1::',
    );
    expect(out).toContain(
      '::notice title=db-action%3A data-dependent (set-not-null),file=db/migrations/20240103000000_index.sql,line=3,endLine=3::',
    );
  });
});

describe('upsertStickyComment', () => {
  const gh = new FakeGithub();
  let octokit: ReturnType<typeof getOctokit>;
  beforeAll(async () => {
    octokit = getOctokit('test-token-123', { baseUrl: await gh.start() });
  });
  afterAll(() => gh.stop());
  beforeEach(() => {
    gh.requests.length = 0;
    gh.comments.clear();
    gh.forbidden = false;
  });
  const target = { owner: 'o', repo: 'r', issueNumber: 7, marker: commentMarker('db/migrations') };

  it('creates the comment once, then updates it in place, finding it past the first page', async () => {
    gh.pageSize = 2;
    gh.seed(7, 5);
    const logger = new MemoryLogger();
    const first = await upsertStickyComment(octokit, target, 'first body\n', logger);
    expect(first.action).toBe('created');
    gh.seed(7, 3); // more comments after ours: ours is now on page 3 of 5
    const second = await upsertStickyComment(octokit, target, 'second body\n', logger);
    expect(second).toMatchObject({ action: 'updated', id: first.action === 'created' ? first.id : -1 });
    const mine = (gh.comments.get(7) ?? []).filter((c) => c.body.includes(target.marker));
    expect(mine).toHaveLength(1);
    expect(mine[0]!.body).toBe(`${target.marker}\nsecond body\n`);
    expect(gh.writes().map((r) => `${r.method} ${r.path}`)).toEqual([
      'POST /repos/o/r/issues/7/comments',
      `PATCH /repos/o/r/issues/comments/${mine[0]!.id}`,
    ]);
    // 5 comments = 3 pages of 2, then 9 comments = 5 pages: every page was read.
    expect(gh.requests.filter((r) => r.method === 'GET').length).toBe(3 + 5);
    expect(gh.requests[0]!.authorization).toBe('token test-token-123');
    gh.pageSize = 100;
  });

  it('keeps comments of other directories apart', async () => {
    const logger = new MemoryLogger();
    await upsertStickyComment(octokit, target, 'a\n', logger);
    await upsertStickyComment(octokit, { ...target, marker: commentMarker('other/dir') }, 'b\n', logger);
    expect(gh.comments.get(7)).toHaveLength(2);
  });

  it('truncates a body over the comment limit', async () => {
    await upsertStickyComment(octokit, target, `${'x'.repeat(100)}\n`.repeat(1000), new MemoryLogger());
    const body = gh.comments.get(7)![0]!.body;
    expect(body.length).toBeLessThanOrEqual(COMMENT_LIMIT);
    expect(body.startsWith(target.marker)).toBe(true);
    expect(body).toContain('Report truncated');
  });

  it('a read-only token (fork PR) is a warning, not a failure', async () => {
    gh.forbidden = true;
    const logger = new MemoryLogger();
    const r = await upsertStickyComment(octokit, target, 'body\n', logger);
    expect(r).toEqual({ action: 'skipped', reason: 'read-only token' });
    expect(logger.lines.some((l) => l.level === 'warn' && l.message.includes('token is read-only'))).toBe(true);
    expect(gh.comments.get(7)).toBeUndefined();
  });

  it('recognises permission errors', () => {
    expect(isPermissionError(Object.assign(new Error('x'), { status: 403 }))).toBe(true);
    expect(isPermissionError(new Error('Resource not accessible by integration'))).toBe(true);
    expect(isPermissionError(Object.assign(new Error('x'), { status: 500 }))).toBe(false);
  });

  it('the marker is a valid HTML comment for any directory', () => {
    expect(commentMarker('db/migrations/')).toBe('<!-- db-action:lint dir=db/migrations -->');
    expect(commentMarker('a--b').slice('<!--'.length, -'-->'.length)).not.toContain('--');
  });
});

describe('reportToGithub', () => {
  const gh = new FakeGithub();
  let octokit: ReturnType<typeof getOctokit>;
  beforeAll(async () => {
    octokit = getOctokit('t', { baseUrl: await gh.start() });
  });
  afterAll(() => gh.stop());
  const quiet = () => jest.spyOn(process.stdout, 'write').mockImplementation(() => true);

  it('creates no comment for a pull request without new migrations, but updates an existing one', async () => {
    const target = { owner: 'o', repo: 'r', issueNumber: 9, marker: commentMarker('db') };
    const empty = { ...cleanReport(), files: [], newCount: 0 };
    const spy = quiet();
    try {
      const logger = new MemoryLogger();
      const none = await reportToGithub(empty, { markdown: 'nothing\n', logger, comment: { octokit, target } });
      expect(none.comment).toEqual({ action: 'skipped', reason: 'nothing to report' });
      expect(gh.comments.get(9)).toBeUndefined();

      await reportToGithub(sampleReport(), { markdown: 'findings\n', logger, comment: { octokit, target } });
      const after = await reportToGithub(empty, { markdown: 'now clean\n', logger, comment: { octokit, target } });
      expect(after.comment?.action).toBe('updated');
      expect(gh.comments.get(9)!.map((c) => c.body)).toEqual([`${target.marker}\nnow clean\n`]);
    } finally {
      spy.mockRestore();
    }
  });

  it('says when GitHub will not show every annotation', async () => {
    const spy = quiet();
    try {
      const logger = new MemoryLogger();
      const r = await reportToGithub(bigReport(12), { markdown: 'x\n', logger });
      expect(r.annotations).toBe(12);
      expect(logger.text()).toContain(
        'GitHub shows at most 10 warning annotations per step; all 12 are in the job summary.',
      );
    } finally {
      spy.mockRestore();
    }
  });

  it('picks our sticky comment: starting with the marker, a bot comment over a person quoting it', () => {
    const m = '<!-- db-action:lint migrations -->';
    const person = { id: 1, body: `see ${m} above`, user: { type: 'User' } };
    const copied = { id: 2, body: `${m}\nold copy`, user: { type: 'User' } };
    const bot = { id: 3, body: `${m}\nfindings`, user: { type: 'Bot' } };
    expect(ourComment([person, copied, bot], m)?.id).toBe(3);
    expect(ourComment([person, copied], m)?.id).toBe(2);
    expect(ourComment([person], m)?.id).toBe(1);
    expect(ourComment([{ id: 4, body: 'unrelated', user: { type: 'Bot' } }], m)).toBeUndefined();
  });
});
