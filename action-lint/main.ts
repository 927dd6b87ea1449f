/**
 * The lint action: inputs -> base commit -> lint() on a dev database -> annotations, job summary,
 * sticky PR comment, SARIF file, outputs; fails the step when the report crosses `fail-on`.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import * as core from '@actions/core';
import * as github from '@actions/github';
import { errorMessage, isDbActionError } from '../src/errors.js';
import { lint } from '../src/lint/index.js';
import type { LintReport } from '../src/lint/types.js';
import { failingSummary } from '../src/report/counts.js';
import {
  annotateError,
  commentMarker,
  reportToGithub,
  writeJobSummary,
  type GithubReportOptions,
} from '../src/report/github.js';
import { jsonReport } from '../src/report/json.js';
import { formatMarkdown } from '../src/report/markdown.js';
import { formatSarif } from '../src/report/sarif.js';
import { formatText } from '../src/report/text.js';
import { redact, secretsOf } from '../src/secrets.js';
import { VERSION } from '../src/version.js';
import { resolveBase } from './git-base.js';
import { readInputs, type LintActionInputs } from './inputs.js';
import { actionsLogger as logger } from './logger.js';

function workspace(): string {
  return process.env.GITHUB_WORKSPACE || process.cwd();
}

/** Where a finding's file:line opens on GitHub: the PR head commit (else the checked-out commit). */
function blobUrl(): string | undefined {
  // `context.repo` throws without GITHUB_REPOSITORY (a local run, act): test it before reading it.
  if (!process.env.GITHUB_REPOSITORY) return undefined;
  const { serverUrl, repo, payload, sha } = github.context;
  const head = (payload.pull_request as { head?: { sha?: string } } | undefined)?.head?.sha ?? sha;
  if (!head) return undefined;
  return `${serverUrl}/${repo.owner}/${repo.repo}/blob/${head}`;
}

function runUrl(): string | undefined {
  if (!process.env.GITHUB_REPOSITORY) return undefined;
  const { serverUrl, repo, runId } = github.context;
  if (!runId) return undefined;
  return `${serverUrl}/${repo.owner}/${repo.repo}/actions/runs/${runId}`;
}

function pullRequestNumber(): number | undefined {
  const pr = github.context.payload.pull_request as { number?: unknown } | undefined;
  return typeof pr?.number === 'number' ? pr.number : undefined;
}

function commentTarget(inputs: LintActionInputs): GithubReportOptions['comment'] {
  if (!inputs.comment) {
    logger.info('comment: off: no pull request comment');
    return undefined;
  }
  const number = pullRequestNumber();
  if (number === undefined) {
    logger.debug('Not a pull request event: no pull request comment');
    return undefined;
  }
  if (!inputs.githubToken) {
    logger.warn('No github-token: the pull request comment is skipped');
    return undefined;
  }
  if (!process.env.GITHUB_REPOSITORY) {
    logger.warn('GITHUB_REPOSITORY is not set: the pull request comment is skipped');
    return undefined;
  }
  const { owner, repo } = github.context.repo;
  const octokit = github.getOctokit(inputs.githubToken, {
    baseUrl: process.env.GITHUB_API_URL || github.context.apiUrl,
  });
  return { octokit, target: { owner, repo, issueNumber: number, marker: commentMarker(inputs.dir) }, runUrl: runUrl() };
}

async function writeSarif(report: LintReport, file: string): Promise<void> {
  const path = isAbsolute(file) ? file : resolve(workspace(), file);
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, formatSarif(report, { toolVersion: VERSION }));
  logger.info(`SARIF written to ${file}`);
}

function setOutputs(report: LintReport): void {
  const json = jsonReport(report);
  core.setOutput('findings-count', String(json.counts.total));
  core.setOutput('error-count', String(json.counts.error));
  core.setOutput('report-json', JSON.stringify(json));
}

/** A job summary that says the lint could not run, and why (the verdict a reviewer looks for). */
async function writeErrorSummary(raw: string): Promise<void> {
  const text = redact(raw, secrets);
  const md = `### ❌ **db-action lint could not run**\n\n\`\`\`text\n${text.replace(/```/g, "'''")}\n\`\`\`\n`;
  await writeJobSummary(md, logger).catch(() => undefined);
}

/** Secrets to keep out of text the runner does not mask for us (the job summary). */
const secrets: string[] = [];

export async function run(): Promise<void> {
  const abort = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    logger.warn(`Received ${signal}: cancelling the lint run`);
    abort.abort(new Error(`cancelled by ${signal}`));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const inputs = readInputs();
    if (inputs.devUrl) secrets.push(...secretsOf(inputs.devUrl), inputs.devUrl);
    const cwd = workspace();
    const choice = await resolveBase({
      input: inputs.base,
      eventName: github.context.eventName,
      payload: github.context.payload,
      cwd,
      logger,
    });
    logger.info(`New migrations: ${choice.reason}`);

    const report = await lint({
      dir: inputs.dir,
      format: inputs.dirFormat,
      cwd,
      base: choice.base,
      latest: choice.latest,
      devUrl: inputs.devUrl,
      postgresVersion: inputs.postgresVersion,
      failOn: inputs.failOn,
      severities: inputs.severities,
      logger,
      signal: abort.signal,
    });

    core.info(formatText(report, { color: !process.env.NO_COLOR }).trimEnd());
    setOutputs(report);
    if (inputs.sarifFile) await writeSarif(report, inputs.sarifFile);

    const markdown = formatMarkdown(report, { blobUrl: blobUrl(), runUrl: runUrl(), toolVersion: VERSION });
    await reportToGithub(report, { markdown, logger, comment: commentTarget(inputs) });

    if (report.failed) {
      core.setFailed(`db-action lint: check failed (fail-on: ${report.failOn.join(', ')}): ${failingSummary(report)}`);
    }
  } catch (e) {
    if (isDbActionError(e)) {
      // One error annotation (at file:line when known) with the hint; the step fails like setFailed.
      annotateError(e);
      process.exitCode = core.ExitCode.Failure;
      await writeErrorSummary(e.format());
    } else {
      core.debug(e instanceof Error && e.stack ? e.stack : String(e));
      core.setFailed(`db-action lint: internal error: ${errorMessage(e)}`);
      await writeErrorSummary(`internal error: ${errorMessage(e)}`);
    }
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
