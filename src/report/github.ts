/**
 * GitHub reporters (the only core module that imports `@actions/*`): workflow annotations at
 * repo-relative file:line, the job summary, and the sticky pull request comment identified by a
 * hidden marker and updated in place.
 */
import * as core from '@actions/core';
import type { getOctokit } from '@actions/github';
import { DbActionError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { Finding, LintReport } from '../lint/types.js';
import { countFindings } from './counts.js';
import { COMMENT_LIMIT, SUMMARY_LIMIT, truncateMarkdown } from './markdown.js';

export type Octokit = ReturnType<typeof getOctokit>;

/** GitHub displays at most this many annotations of each level per step. */
export const ANNOTATIONS_SHOWN = 10;

/** The hidden first line that identifies db-action's sticky comment for one migration directory. */
export function commentMarker(dir: string): string {
  const clean = dir.replace(/\\/g, '/').replace(/\/+$/, '').replace(/--/g, '-\u2060-') || '.';
  return `<!-- db-action:lint dir=${clean} -->`;
}

export function annotationTitle(f: Finding): string {
  return `db-action: ${f.category} (${f.rule})`;
}

export function annotationMessage(f: Finding): string {
  return f.suggestion ? `${f.message}\nSuggestion: ${f.suggestion}` : f.message;
}

/** One workflow annotation per finding, at its file and line span. Returns how many were written. */
export function annotateFindings(findings: readonly Finding[]): number {
  for (const f of findings) {
    const props: core.AnnotationProperties = {
      title: annotationTitle(f),
      file: f.file,
      startLine: f.line,
      endLine: Math.max(f.line, f.endLine),
    };
    const msg = annotationMessage(f);
    if (f.severity === 'error') core.error(msg, props);
    else if (f.severity === 'warning') core.warning(msg, props);
    else core.notice(msg, props);
  }
  return findings.length;
}

/** An error annotation for a user-fixable failure (at its file:line when it has one). */
export function annotateError(e: DbActionError): void {
  const props: core.AnnotationProperties = { title: 'db-action lint' };
  if (e.file) {
    props.file = e.file;
    if (e.line) props.startLine = e.line;
  }
  core.error(e.hint ? `${e.message}\nHint: ${e.hint}` : e.message, props);
}

/** Appends the Markdown report to the job summary (GITHUB_STEP_SUMMARY); no-op outside Actions. */
export async function writeJobSummary(markdown: string, logger: Logger): Promise<boolean> {
  if (!process.env.GITHUB_STEP_SUMMARY) {
    logger.debug('GITHUB_STEP_SUMMARY is not set: no job summary written');
    return false;
  }
  await core.summary.addRaw(truncateMarkdown(markdown, SUMMARY_LIMIT), true).write();
  return true;
}

/** True for the errors a read-only token gets (fork pull requests, missing `pull-requests: write`). */
export function isPermissionError(e: unknown): boolean {
  const status = (e as { status?: unknown } | null)?.status;
  const message = e instanceof Error ? e.message : String(e);
  return status === 403 || /Resource not accessible by integration/i.test(message);
}

export interface StickyCommentTarget {
  readonly owner: string;
  readonly repo: string;
  readonly issueNumber: number;
  readonly marker: string;
}

export type StickyCommentResult =
  | { readonly action: 'created' | 'updated'; readonly id: number; readonly url?: string }
  | { readonly action: 'skipped'; readonly reason: string };

/**
 * Creates or updates in place the one comment whose body starts with (or contains) the marker.
 * The body is truncated to GitHub's comment limit. A read-only token (fork PR) or any other API
 * failure is logged as a warning and returned as `skipped`: commenting never fails the check.
 */
export async function upsertStickyComment(
  octokit: Octokit,
  target: StickyCommentTarget,
  markdown: string,
  logger: Logger,
  runUrl?: string,
  options: { readonly createIfMissing?: boolean } = {},
): Promise<StickyCommentResult> {
  const body = truncateMarkdown(
    markdown.startsWith(target.marker) ? markdown : `${target.marker}\n${markdown}`,
    COMMENT_LIMIT,
    runUrl,
  );
  const { owner, repo, issueNumber } = target;
  try {
    const comments = await octokit.paginate(octokit.rest.issues.listComments, {
      owner,
      repo,
      issue_number: issueNumber,
      per_page: 100,
    });
    const mine = ourComment(comments, target.marker);
    if (mine) {
      const r = await octokit.rest.issues.updateComment({ owner, repo, comment_id: mine.id, body });
      logger.info(`Updated the pull request comment ${r.data.html_url ?? `#${mine.id}`}`);
      return { action: 'updated', id: mine.id, url: r.data.html_url };
    }
    if (options.createIfMissing === false) {
      logger.info('Nothing to report on this pull request: no comment created');
      return { action: 'skipped', reason: 'nothing to report' };
    }
    const r = await octokit.rest.issues.createComment({ owner, repo, issue_number: issueNumber, body });
    logger.info(`Created the pull request comment ${r.data.html_url ?? `#${r.data.id}`}`);
    return { action: 'created', id: r.data.id, url: r.data.html_url };
  } catch (e) {
    if (isPermissionError(e)) {
      logger.warn(
        'Could not write the pull request comment: the token is read-only (a pull request from a fork, or a workflow without `permissions: pull-requests: write`). ' +
          'Annotations and the job summary still show the findings.',
      );
      return { action: 'skipped', reason: 'read-only token' };
    }
    const status = (e as { status?: unknown }).status;
    logger.warn(
      `Could not write the pull request comment${typeof status === 'number' ? ` (HTTP ${status})` : ''}: ${e instanceof Error ? e.message : String(e)}`,
    );
    return { action: 'skipped', reason: 'api error' };
  }
}

/**
 * The sticky comment among a pull request's comments: ours start with the marker; one written by a bot (the
 * workflow's token is github-actions[bot]) wins over a person's comment that merely quotes the marker.
 */
export function ourComment<C extends { body?: string | null; user?: { type?: string } | null }>(
  comments: readonly C[],
  marker: string,
): C | undefined {
  const starting = comments.filter((c) => typeof c.body === 'string' && c.body.startsWith(marker));
  return (
    starting.find((c) => c.user?.type === 'Bot') ??
    starting[0] ??
    comments.find((c) => typeof c.body === 'string' && c.body.includes(marker))
  );
}

/** Everything the lint action reports on GitHub for one report. */
export interface GithubReportOptions {
  readonly markdown: string;
  readonly logger: Logger;
  /** Set to post the sticky comment (omitted: comment off, no PR, or no token). */
  readonly comment?: { readonly octokit: Octokit; readonly target: StickyCommentTarget; readonly runUrl?: string };
}

export async function reportToGithub(
  report: LintReport,
  options: GithubReportOptions,
): Promise<{ annotations: number; summary: boolean; comment?: StickyCommentResult }> {
  const annotations = annotateFindings(report.findings);
  const counts = countFindings(report.findings).bySeverity;
  for (const sev of ['error', 'warning', 'notice'] as const) {
    if (counts[sev] > ANNOTATIONS_SHOWN) {
      options.logger.info(
        `GitHub shows at most ${ANNOTATIONS_SHOWN} ${sev} annotations per step; all ${counts[sev]} are in the job summary.`,
      );
    }
  }
  let summary = false;
  try {
    summary = await writeJobSummary(options.markdown, options.logger);
  } catch (e) {
    options.logger.warn(`Could not write the job summary: ${e instanceof Error ? e.message : String(e)}`);
  }
  const comment = options.comment
    ? await upsertStickyComment(
        options.comment.octokit,
        options.comment.target,
        options.markdown,
        options.logger,
        options.comment.runUrl,
        // A pull request that touches no migration gets no new comment (an old one is still updated).
        { createIfMissing: report.newCount > 0 || report.findings.length > 0 },
      )
    : undefined;
  return { annotations, summary, comment };
}
