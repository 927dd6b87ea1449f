/** The lint action's inputs (action-lint/action.yml), read and validated. */
import * as core from '@actions/core';
import { DbActionError } from '../src/errors.js';
import { secretsOf } from '../src/secrets.js';
import type { SeverityConfig } from '../src/lint/findings.js';
import { parseSeverityOverrides } from '../src/lint/severity-config.js';
import { CATEGORIES, DEFAULT_FAIL_ON, type Category, type Severity } from '../src/lint/types.js';
import { DIR_FORMATS, type DirFormat } from '../src/migrations/types.js';

export interface LintActionInputs {
  readonly dir: string;
  readonly dirFormat: DirFormat | 'auto';
  readonly devUrl?: string;
  readonly postgresVersion?: string;
  readonly base?: string;
  readonly failOn: readonly (Category | Severity)[];
  readonly severities?: SeverityConfig;
  readonly githubToken?: string;
  readonly comment: boolean;
  readonly sarifFile?: string;
}

/**
 * Registers a database URL and its password as secrets, so the runner masks them in every log line.
 * Handles URLs (`postgres://user:pass@host/db`, percent-encoded or not) and key/value conninfo strings;
 * every spelling src/secrets.ts redacts is masked too.
 */
export function maskDatabaseUrl(url: string): void {
  for (const secret of new Set([url, ...secretsOf(url), ...passwordsIn(url)])) core.setSecret(secret);
}

/** The password(s) spelled in a connection string, raw and decoded. */
export function passwordsIn(url: string): string[] {
  const out = new Set<string>();
  try {
    const u = new URL(url);
    if (u.password) {
      out.add(u.password);
      try {
        out.add(decodeURIComponent(u.password));
      } catch {
        /* not percent-encoded */
      }
    }
    const p = u.searchParams.get('password');
    if (p) out.add(p);
  } catch {
    /* not a URL: maybe key/value conninfo */
  }
  for (const m of url.matchAll(/password\s*=\s*(?:'((?:[^'\\]|\\.)*)'|(\S+))/gi)) {
    const v = m[1] ?? m[2];
    if (v) out.add(v);
  }
  return [...out].filter((s) => s.length > 0);
}

const SEVERITIES: readonly Severity[] = ['error', 'warning', 'notice'];

export function parseFailOn(text: string): (Category | Severity)[] {
  const items = text
    .split(/[\s,]+/)
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
  if (items.length === 0) return [...DEFAULT_FAIL_ON];
  if (items.length === 1 && (items[0] === 'none' || items[0] === 'never')) return [];
  const allowed = [...CATEGORIES, ...SEVERITIES] as string[];
  const bad = items.filter((i) => !allowed.includes(i));
  if (bad.length > 0) {
    throw new DbActionError(`Invalid fail-on value ${bad.map((b) => `'${b}'`).join(', ')}`, {
      hint: `use a comma-separated list of: ${allowed.join(', ')}, or none`,
    });
  }
  return [...new Set(items)] as (Category | Severity)[];
}

export function parseOnOff(name: string, text: string, fallback: boolean): boolean {
  const v = text.trim().toLowerCase();
  if (!v) return fallback;
  if (['on', 'true', 'yes', '1'].includes(v)) return true;
  if (['off', 'false', 'no', '0'].includes(v)) return false;
  throw new DbActionError(`Invalid ${name} value '${text}'`, { hint: `use on or off` });
}

/** Reads every input; masks `dev-url` before anything else can log it. */
export function readInputs(): LintActionInputs {
  const devUrl = core.getInput('dev-url').trim() || undefined;
  if (devUrl) maskDatabaseUrl(devUrl);
  const token = core.getInput('github-token').trim() || undefined;
  if (token) core.setSecret(token);

  const dirFormat = (core.getInput('dir-format').trim() || 'auto') as DirFormat | 'auto';
  if (dirFormat !== 'auto' && !DIR_FORMATS.includes(dirFormat)) {
    throw new DbActionError(`Invalid dir-format '${dirFormat}'`, {
      hint: `use auto or one of: ${DIR_FORMATS.join(', ')}`,
    });
  }
  return {
    dir: core.getInput('dir').trim() || 'migrations',
    dirFormat,
    devUrl,
    postgresVersion: core.getInput('postgres-version').trim() || undefined,
    base: core.getInput('base').trim() || undefined,
    failOn: parseFailOn(core.getInput('fail-on')),
    severities: parseSeverityOverrides([core.getInput('severity')], 'input severity'),
    githubToken: token,
    comment: parseOnOff('comment', core.getInput('comment'), true),
    sarifFile: core.getInput('sarif-file').trim() || undefined,
  };
}
