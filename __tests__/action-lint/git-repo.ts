/** Real git repositories for the lint action tests: an origin with a base branch and a pull request. */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 't',
      GIT_AUTHOR_EMAIL: 't@example.com',
      GIT_COMMITTER_NAME: 't',
      GIT_COMMITTER_EMAIL: 't@example.com',
    },
  }).trim();
}

export function writeFiles(root: string, files: Record<string, string>): void {
  for (const [rel, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), content);
  }
}

export interface PullRequestRepo {
  readonly root: string;
  /** Bare repository acting as `origin` (with refs/pull/1/merge like GitHub). */
  readonly origin: string;
  /** Base branch tip. */
  readonly baseSha: string;
  /** PR head commit. */
  readonly headSha: string;
  /** The merge commit GitHub checks out for pull_request events. */
  readonly mergeSha: string;
  /** A full clone checked out at the merge commit. */
  readonly workspace: string;
}

/**
 * An origin with `main` (base files + `extraBaseCommits` more commits) and a PR branch adding
 * `prFiles` (and optionally editing base files), plus the merge commit `refs/pull/1/merge`.
 */
export function pullRequestRepo(
  baseFiles: Record<string, string>,
  prFiles: Record<string, string>,
  extraBaseCommits = 0,
): PullRequestRepo {
  const root = mkdtempSync(join(tmpdir(), 'db-action-gitrepo-'));
  const src = join(root, 'src');
  mkdirSync(src);
  git(src, 'init', '-q', '-b', 'main');
  writeFiles(src, baseFiles);
  git(src, 'add', '-A');
  git(src, 'commit', '-q', '-m', 'base');
  const forkPoint = git(src, 'rev-parse', 'HEAD');
  git(src, 'checkout', '-q', '-b', 'pr');
  writeFiles(src, prFiles);
  git(src, 'add', '-A');
  git(src, 'commit', '-q', '-m', 'pr');
  const headSha = git(src, 'rev-parse', 'HEAD');
  git(src, 'checkout', '-q', 'main');
  for (let i = 0; i < extraBaseCommits; i++) {
    writeFiles(src, { [`docs/note-${i}.md`]: `note ${i}\n` });
    git(src, 'add', '-A');
    git(src, 'commit', '-q', '-m', `base ${i}`);
  }
  const baseSha = git(src, 'rev-parse', 'HEAD');
  git(src, 'merge', '-q', '--no-ff', '-m', 'Merge pr into main', 'pr');
  const mergeSha = git(src, 'rev-parse', 'HEAD');
  git(src, 'update-ref', 'refs/pull/1/merge', mergeSha);
  git(src, 'update-ref', 'refs/pull/1/head', headSha);
  git(src, 'reset', '-q', '--hard', baseSha);
  void forkPoint;
  const origin = join(root, 'origin.git');
  git(root, 'init', '-q', '--bare', origin);
  git(
    src,
    'push',
    '-q',
    origin,
    'main:main',
    'refs/pull/1/merge:refs/pull/1/merge',
    'refs/pull/1/head:refs/pull/1/head',
  );
  const workspace = join(root, 'workspace');
  git(root, 'clone', '-q', '--no-checkout', origin, workspace);
  git(workspace, 'fetch', '-q', 'origin', 'refs/pull/1/merge:refs/remotes/pull/1/merge');
  git(workspace, 'checkout', '-q', '--detach', mergeSha);
  return { root, origin, baseSha, headSha, mergeSha, workspace };
}

/** A shallow (depth 1) checkout of the merge commit, the way actions/checkout does it by default. */
export function shallowCheckout(repo: PullRequestRepo, name = 'shallow'): string {
  const ws = join(repo.root, name);
  mkdirSync(ws);
  git(ws, 'init', '-q');
  git(ws, 'remote', 'add', 'origin', `file://${repo.origin}`);
  git(ws, 'fetch', '-q', '--no-tags', '--depth=1', 'origin', '+refs/pull/1/merge:refs/remotes/pull/1/merge');
  git(ws, 'checkout', '-q', '--detach', repo.mergeSha);
  return ws;
}
