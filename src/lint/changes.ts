/**
 * Which migrations are "new" (traced statement by statement) and which are "base" (replayed fast):
 * from git (files added or modified since the merge base with a ref, plus untracked local files) or
 * simply the last N. Also finds edits of migrations that already exist on the base branch and new
 * files that sort before the newest base migration.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { promisify } from 'node:util';

import { DbActionError } from '../errors.js';
import { checksumOf, stripBom } from '../migrations/checksum.js';
import { FORMAT_LOADERS } from '../migrations/formats/index.js';
import { loadMigrationDirectory } from '../migrations/load.js';
import type { DirFormat, MigrationDirectory, MigrationFile } from '../migrations/types.js';

const execFileAsync = promisify(execFile);

export interface ModifiedMigration {
  readonly migration: MigrationFile;
  /** 1-based first changed line (1 when unknown). */
  readonly line: number;
}

export interface DeletedMigration {
  /** Repo-relative path it had on the base branch. */
  readonly file: string;
  readonly version: string;
  /** Repo-relative path it was renamed to, when git saw a rename. */
  readonly renamedTo?: string;
}

export interface ChangeSelection {
  /** Migrations replayed fast, in apply order: all but the new ones; edited ones in their base-branch version. */
  readonly base: readonly MigrationFile[];
  /** Migrations traced statement by statement, in apply order. */
  readonly fresh: readonly MigrationFile[];
  /** Base migrations edited since the merge base (history-modified). They are replayed as base, not traced. */
  readonly modified: readonly ModifiedMigration[];
  /** New migrations that sort before the newest base migration (out-of-order). */
  readonly outOfOrder: readonly MigrationFile[];
  /** Migrations of the base branch that are gone from the directory (deleted, or renamed to a new file). */
  readonly deleted: readonly DeletedMigration[];
  /** Directory the repo-relative paths are relative to (git top level, else cwd). */
  readonly root: string;
  /** The merge base commit, when selecting by git ref. */
  readonly mergeBase?: string;
}

export interface SelectOptions {
  readonly base?: string;
  readonly latest?: number;
  /** Fallback root for repo-relative paths when `dir` is not in a git work tree. */
  readonly cwd: string;
}

async function git(cwd: string, args: readonly string[]): Promise<string> {
  const { stdout } = await execFileAsync('git', [...args], { cwd, maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' });
  return stdout;
}

function realpath(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return p;
  }
}

/** The git top level containing `dir`, or undefined outside a work tree (or without git). */
export async function gitTopLevel(dir: string): Promise<string | undefined> {
  try {
    return realpath((await git(dir, ['rev-parse', '--show-toplevel'])).trim());
  } catch {
    return undefined;
  }
}

/** `/`-separated path of `abs` relative to `root`. */
export function repoRelative(root: string, abs: string): string {
  const rel = relative(root, realpath(abs));
  return (rel === '' ? '.' : rel).split(sep).join('/');
}

/** First changed line of the working-tree file versus `commit` (`git diff -U0`), 1 when unknown. */
async function firstChangedLine(top: string, commit: string, path: string): Promise<number> {
  try {
    const out = await git(top, ['diff', '-U0', '--no-color', '--no-ext-diff', commit, '--', path]);
    const m = /^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@/m.exec(out);
    if (!m) return 1;
    return Math.max(1, Number(m[1]));
  } catch {
    return 1;
  }
}

interface GitChanges {
  /** Repo-relative paths added (or copied/renamed to) since the merge base, plus untracked ones. */
  readonly added: Set<string>;
  /** Repo-relative paths that existed at the merge base and differ now. */
  readonly modified: Set<string>;
  /** Repo-relative paths that existed at the merge base and are gone, with the rename target if any. */
  readonly deleted: Map<string, string | undefined>;
}

async function gitChanges(top: string, mergeBase: string, dirRel: string): Promise<GitChanges> {
  const added = new Set<string>();
  const modified = new Set<string>();
  const deleted = new Map<string, string | undefined>();
  const diff = await git(top, ['diff', '--name-status', '-z', '--no-ext-diff', '-M', mergeBase, '--', dirRel]);
  const parts = diff.split('\0');
  for (let i = 0; i < parts.length;) {
    const status = parts[i++] ?? '';
    if (!status) continue;
    const code = status[0];
    if (code === 'R' || code === 'C') {
      const source = parts[i++];
      const dest = parts[i++];
      if (dest) added.add(dest);
      if (code === 'R' && source) deleted.set(source, dest);
    } else {
      const path = parts[i++];
      if (!path) continue;
      if (code === 'A') added.add(path);
      else if (code === 'M' || code === 'T') modified.add(path);
      else if (code === 'D') deleted.set(path, undefined);
    }
  }
  const untracked = await git(top, ['ls-files', '--others', '--exclude-standard', '-z', '--', dirRel]);
  for (const p of untracked.split('\0')) if (p) added.add(p);
  return { added, modified, deleted };
}

/**
 * Which of the deleted paths were migrations on the base branch: the directory as it was at `commit`
 * (one `git archive`) loaded with the same format. Deleted down files, READMEs etc. are not migrations.
 */
async function deletedMigrations(
  top: string,
  commit: string,
  dirRel: string,
  format: DirFormat,
  deleted: Map<string, string | undefined>,
): Promise<DeletedMigration[]> {
  if (deleted.size === 0) return [];
  const scratch = mkdtempSync(join(tmpdir(), 'db-action-base-'));
  try {
    await git(top, ['archive', '--format=tar', '-o', join(scratch, 'base.tar'), commit, '--', dirRel]);
    await execFileAsync('tar', ['-xf', join(scratch, 'base.tar'), '-C', scratch]);
    const before = await loadMigrationDirectory(join(scratch, dirRel), { format });
    const out: DeletedMigration[] = [];
    for (const m of before.migrations) {
      const path = dirRel === '.' ? m.relPath : `${dirRel}/${m.relPath}`;
      if (deleted.has(path)) out.push({ file: path, version: m.version, renamedTo: deleted.get(path) });
    }
    return out;
  } catch {
    // The base directory cannot be read in this format (or git/tar failed): judge by name alone.
    return [...deleted]
      .filter(([p]) => /\.sql$/i.test(p) && !/\.down\.sql$/i.test(p))
      .map(([file, renamedTo]) => ({ file, version: '?', renamedTo }));
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/**
 * The migration as it was at `commit` (content, up section, transaction mode re-derived by the
 * format's loader); undefined when git cannot show it.
 */
async function baseVersion(
  top: string,
  commit: string,
  path: string,
  current: MigrationFile,
  format: DirFormat,
): Promise<MigrationFile | undefined> {
  let text: string;
  try {
    text = stripBom(await git(top, ['show', `${commit}:${path}`]));
  } catch {
    return undefined;
  }
  const loader = FORMAT_LOADERS[format];
  const candidate = {
    version: current.version,
    name: current.name,
    relPath: current.relPath,
    repeatable: current.repeatable,
    transaction: current.transaction,
  };
  try {
    const up = loader.upSection?.(text, candidate, path) ?? { upSql: text, upStartLine: 1, transaction: 'auto' };
    return {
      ...current,
      content: text,
      upSql: up.upSql,
      upStartLine: up.upStartLine,
      checksum: checksumOf(text),
      transaction: current.transaction === 'none' || up.transaction === 'none' ? 'none' : 'auto',
    };
  } catch {
    return undefined; // the base version does not even have an up section: replay the current one
  }
}

/**
 * Splits the directory into base and new migrations.
 * Throws DbActionError when neither `base` nor `latest` is given, or git cannot answer.
 */
export async function selectChanges(directory: MigrationDirectory, options: SelectOptions): Promise<ChangeSelection> {
  const all = directory.migrations;
  const top = await gitTopLevel(directory.dir);
  const root = top ?? realpath(options.cwd);

  if (options.base === undefined || options.base === '') {
    if (options.latest === undefined) {
      throw new DbActionError('lint needs to know which migrations are new', {
        file: repoRelative(root, directory.dir),
        hint: 'pass a base git ref (e.g. `--base origin/main`, action input `base`) or the number of latest migrations to treat as new (`--latest 1`)',
      });
    }
    if (!Number.isInteger(options.latest) || options.latest < 0) {
      throw new DbActionError(`latest must be a whole number >= 0 (got ${options.latest})`, {
        hint: 'e.g. `--latest 1` lints the newest migration',
      });
    }
    const n = Math.min(options.latest, all.length);
    return {
      base: all.slice(0, all.length - n),
      fresh: all.slice(all.length - n),
      modified: [],
      outOfOrder: [],
      deleted: [],
      root,
    };
  }

  if (!top) {
    throw new DbActionError(`cannot compare with ${options.base}: ${directory.dir} is not inside a git work tree`, {
      hint: 'run inside a git checkout, or use `latest` instead of `base`',
    });
  }
  let mergeBase: string;
  try {
    mergeBase = (await git(top, ['merge-base', options.base, 'HEAD'])).trim();
  } catch (e) {
    throw new DbActionError(`cannot find the merge base of ${options.base} and HEAD`, {
      hint:
        `make sure ${options.base} exists locally: in GitHub Actions use actions/checkout with \`fetch-depth: 0\` ` +
        `(or fetch the base branch) so the history down to the merge base is present`,
      cause: e,
    });
  }
  const dirRel = repoRelative(top, directory.dir);
  let changes: GitChanges;
  try {
    changes = await gitChanges(top, mergeBase, dirRel);
  } catch (e) {
    throw new DbActionError(`git could not list the changes in ${dirRel} since ${options.base}`, {
      hint: 'check that the directory is inside the repository and git works here (`git status`)',
      cause: e,
    });
  }

  const fresh: MigrationFile[] = [];
  const base: MigrationFile[] = [];
  const modifiedFiles: MigrationFile[] = [];
  for (const m of all) {
    const rel = repoRelative(top, m.absPath);
    // An edited flyway repeatable migration is re-run by Flyway: it is new work, not a history edit.
    if (changes.added.has(rel) || (m.repeatable && changes.modified.has(rel))) fresh.push(m);
    else {
      base.push(m);
      if (changes.modified.has(rel)) modifiedFiles.push(m);
    }
  }
  const modified: ModifiedMigration[] = [];
  for (const m of modifiedFiles) {
    const path = repoRelative(top, m.absPath);
    const original = await baseVersion(top, mergeBase, path, m, directory.format);
    // Line endings or a BOM only: apply's checksum (LF-normalised, BOM stripped) is unchanged, so it is no edit.
    if (original && original.checksum === m.checksum) continue;
    modified.push({ migration: m, line: await firstChangedLine(top, mergeBase, path) });
    // Databases that applied it ran the base version: replay that one.
    if (original) base[base.indexOf(m)] = original;
  }
  const order = new Map(all.map((m, i) => [m.relPath, i] as const));
  let newestBase = -1;
  for (const m of base) if (!m.repeatable) newestBase = Math.max(newestBase, order.get(m.relPath) ?? -1);
  const outOfOrder = fresh.filter((m) => !m.repeatable && (order.get(m.relPath) ?? 0) < newestBase);
  const deleted = await deletedMigrations(top, mergeBase, dirRel, directory.format, changes.deleted);
  return { base, fresh, modified, outOfOrder, deleted, root, mergeBase };
}

/** Resolves `dir` against `cwd` unless absolute. */
export function resolveDir(dir: string, cwd: string): string {
  return isAbsolute(dir) ? dir : resolve(cwd, dir);
}
