/**
 * Which migrations count as "already applied" in the lint action: the base commit to diff against,
 * made available in a shallow checkout (actions/checkout fetches one commit by default).
 *
 * Choice of base:
 * - input `base` when given (any revision; fetched from origin when missing);
 * - pull_request / pull_request_target: the pull request's base commit (`pull_request.base.sha`);
 * - merge_group: `merge_group.base_sha`;
 * - push: the commit before the push (`before`), so exactly the pushed migrations are new; when the
 *   push created the branch or `before` is gone (force push), the last migration is treated as new;
 * - anything else (workflow_dispatch, schedule): the last migration is new (`latest: 1`).
 */
import { execFile } from 'node:child_process';
import { DbActionError } from '../src/errors.js';
import type { Logger } from '../src/logger.js';

export interface BaseChoice {
  /** Commit to diff against (available locally, with a merge base with HEAD). */
  readonly base?: string;
  /** The last N migrations are new (when there is no base). */
  readonly latest?: number;
  /** How the choice was made, for the log. */
  readonly reason: string;
}

export interface ResolveBaseOptions {
  readonly input?: string;
  readonly eventName: string;
  readonly payload: Record<string, unknown>;
  /** The git work tree (GITHUB_WORKSPACE). */
  readonly cwd: string;
  readonly logger: Logger;
  /** Deepening steps tried before giving up (commits). */
  readonly deepenSteps?: readonly number[];
}

interface GitResult {
  readonly ok: boolean;
  readonly stdout: string;
  readonly stderr: string;
}

function git(cwd: string, args: readonly string[]): Promise<GitResult> {
  return new Promise((resolve) => {
    execFile(
      'git',
      [...args],
      { cwd, maxBuffer: 16 * 1024 * 1024, env: { ...process.env, GIT_TERMINAL_PROMPT: '0' } },
      (err, stdout, stderr) => {
        resolve({ ok: !err, stdout: String(stdout).trim(), stderr: String(stderr).trim() });
      },
    );
  });
}

const ZERO_SHA = /^0+$/;

function field(obj: unknown, ...path: string[]): unknown {
  let cur = obj;
  for (const p of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[p];
  }
  return cur;
}

async function commitOf(cwd: string, rev: string): Promise<string | undefined> {
  const r = await git(cwd, ['rev-parse', '--verify', '--quiet', `${rev}^{commit}`]);
  return r.ok && r.stdout ? r.stdout : undefined;
}

async function hasMergeBase(cwd: string, sha: string): Promise<boolean> {
  return (await git(cwd, ['merge-base', sha, 'HEAD'])).ok;
}

const FETCH_HINT =
  'check out the repository with `actions/checkout` and `fetch-depth: 0` so the base commit and its history are available';

/**
 * Makes `rev` available as a commit with a merge base with HEAD, fetching from `origin` and
 * deepening the shallow history step by step. Returns the commit sha.
 */
export async function ensureBaseCommit(
  cwd: string,
  rev: string,
  logger: Logger,
  deepenSteps: readonly number[] = [50, 500, 5000],
): Promise<string> {
  if (!(await git(cwd, ['rev-parse', '--git-dir'])).ok) {
    throw new DbActionError(
      `The workspace ${cwd} is not a git repository, so new migrations cannot be told from base ones`,
      { hint: FETCH_HINT },
    );
  }
  let sha = await commitOf(cwd, rev);
  if (!sha) {
    logger.info(`Base ${rev} is not in the checkout; fetching it from origin`);
    const f = await git(cwd, ['fetch', '--no-tags', '--depth=1', 'origin', rev]);
    if (!f.ok) {
      // git's first "fatal:" line says why (no such ref, no origin remote, no network).
      const why =
        f.stderr
          .split('\n')
          .map((l) => l.trim())
          .find((l) => /^(fatal|error):/.test(l)) ??
        f.stderr.trim().split('\n')[0] ??
        'git fetch failed';
      throw new DbActionError(`Could not fetch the base revision ${rev} from origin (${why})`, {
        hint: `check that \`base\` names an existing branch, tag or commit (a typo?); if it does, ${FETCH_HINT}`,
      });
    }
    sha = (await commitOf(cwd, rev)) ?? (await commitOf(cwd, 'FETCH_HEAD'));
    if (!sha) throw new DbActionError(`The base revision ${rev} is not a commit`, { hint: FETCH_HINT });
  }
  if (await hasMergeBase(cwd, sha)) return sha;
  const head = await commitOf(cwd, 'HEAD');
  for (const depth of deepenSteps) {
    const shallow = (await git(cwd, ['rev-parse', '--is-shallow-repository'])).stdout === 'true';
    if (!shallow) break;
    logger.info(
      `No merge base between ${sha.slice(0, 12)} and HEAD in the shallow checkout; deepening by ${depth} commits`,
    );
    const f = await git(cwd, ['fetch', '--no-tags', `--deepen=${depth}`, 'origin', sha, ...(head ? [head] : [])]);
    if (!f.ok) logger.debug(`git fetch --deepen failed: ${f.stderr}`);
    if (await hasMergeBase(cwd, sha)) return sha;
  }
  throw new DbActionError(`No merge base between the base commit ${sha.slice(0, 12)} and HEAD`, { hint: FETCH_HINT });
}

export async function resolveBase(options: ResolveBaseOptions): Promise<BaseChoice> {
  const { cwd, logger, payload, eventName } = options;
  const steps = options.deepenSteps;
  if (options.input) {
    const base = await ensureBaseCommit(cwd, options.input, logger, steps);
    return { base, reason: `input base ${options.input}` };
  }
  if (eventName === 'pull_request' || eventName === 'pull_request_target') {
    const sha = field(payload, 'pull_request', 'base', 'sha');
    if (typeof sha === 'string' && sha) {
      const base = await ensureBaseCommit(cwd, sha, logger, steps);
      return { base, reason: `pull request base ${sha.slice(0, 12)}` };
    }
  }
  if (eventName === 'merge_group') {
    const sha = field(payload, 'merge_group', 'base_sha');
    if (typeof sha === 'string' && sha) {
      const base = await ensureBaseCommit(cwd, sha, logger, steps);
      return { base, reason: `merge group base ${sha.slice(0, 12)}` };
    }
  }
  if (eventName === 'push') {
    const before = field(payload, 'before');
    if (typeof before === 'string' && before && !ZERO_SHA.test(before) && field(payload, 'created') !== true) {
      try {
        const base = await ensureBaseCommit(cwd, before, logger, steps);
        return { base, reason: `commit before the push ${before.slice(0, 12)}` };
      } catch (e) {
        logger.warn(
          `The commit before the push (${before.slice(0, 12)}) is not available (${e instanceof Error ? e.message : String(e)}); linting the last migration only`,
        );
      }
    }
    return { latest: 1, reason: 'push without a usable previous commit: the last migration is new' };
  }
  return { latest: 1, reason: `${eventName || 'unknown'} event without a base: the last migration is new` };
}
