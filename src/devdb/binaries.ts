/**
 * Finding PostgreSQL server binaries (`initdb` + `postgres`) installed on this machine: PATH,
 * `pg_config --bindir`, Debian/Ubuntu `/usr/lib/postgresql/<major>/bin`, RHEL `/usr/pgsql-<major>/bin`,
 * Homebrew `postgresql@<major>`, Postgres.app.
 */
import { execFile } from 'node:child_process';
import { accessSync, constants, readdirSync, realpathSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';

export interface PostgresBinaries {
  /** Directory holding `initdb`, `postgres` (real path, symlinks resolved). */
  readonly bindir: string;
  /** Major version, e.g. 15. */
  readonly major: number;
  /** Full version, e.g. `15.14`. */
  readonly version: string;
}

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function run(file: string, args: string[], timeoutMs = 5000): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile(file, args, { timeout: timeoutMs, encoding: 'utf8' }, (error, stdout) =>
      resolve(error ? undefined : stdout),
    );
  });
}

function globDirs(parent: string, pattern: RegExp, suffix: string): string[] {
  try {
    return readdirSync(parent)
      .filter((name) => pattern.test(name))
      .map((name) => join(parent, name, suffix));
  } catch {
    return [];
  }
}

/**
 * `DB_ACTION_PG_BINDIR`: search only these directories (separated like PATH) instead of the usual
 * places, to pick one installation among several, or none (a path that does not exist).
 */
export const BINDIR_ENV = 'DB_ACTION_PG_BINDIR';

/** Candidate bin directories, most explicit first. */
async function candidateDirs(): Promise<string[]> {
  const override = process.env[BINDIR_ENV];
  if (override !== undefined && override.trim() !== '') return override.split(delimiter).filter(Boolean);
  const dirs: string[] = [];
  for (const dir of (process.env.PATH ?? '').split(delimiter)) if (dir) dirs.push(dir);
  const pgConfigBindir = (await run('pg_config', ['--bindir']))?.trim();
  if (pgConfigBindir) dirs.push(pgConfigBindir);
  dirs.push(...globDirs('/usr/lib/postgresql', /^\d+$/, 'bin'));
  dirs.push(...globDirs('/usr', /^pgsql-\d+$/, 'bin'));
  for (const brew of ['/opt/homebrew/opt', '/usr/local/opt'])
    dirs.push(...globDirs(brew, /^postgresql(@\d+)?$/, 'bin'));
  dirs.push(...globDirs('/Applications/Postgres.app/Contents/Versions', /^\d+$/, 'bin'));
  return dirs;
}

/** `postgres --version` → `15.14` (undefined when it does not run). */
export async function postgresVersion(postgres: string): Promise<string | undefined> {
  const out = await run(postgres, ['--version']);
  const m = out ? /\(PostgreSQL\)\s+(\d+(?:\.\d+)*)/.exec(out) : null;
  return m?.[1];
}

let cached: Promise<PostgresBinaries[]> | undefined;
let cachedFor: string | undefined;

/** Every distinct installation found, newest major first. Cached for the process (per `DB_ACTION_PG_BINDIR`). */
export function findPostgresInstallations(): Promise<PostgresBinaries[]> {
  const key = process.env[BINDIR_ENV] ?? '';
  if (cachedFor !== key) cached = undefined;
  cachedFor = key;
  cached ??= (async () => {
    const seen = new Set<string>();
    const found: PostgresBinaries[] = [];
    for (const dir of await candidateDirs()) {
      const initdb = join(dir, 'initdb');
      if (!executable(initdb)) continue;
      let bindir: string;
      try {
        // initdb finds `postgres` next to its real path, so resolve symlinks like /usr/local/bin/initdb.
        bindir = dirname(realpathSync(initdb));
      } catch {
        continue;
      }
      if (seen.has(bindir)) continue;
      seen.add(bindir);
      const postgres = join(bindir, 'postgres');
      if (!executable(postgres)) continue;
      const version = await postgresVersion(postgres);
      if (!version) continue;
      found.push({ bindir, version, major: Number(version.split('.')[0]) });
    }
    return found.sort((a, b) => b.major - a.major);
  })();
  return cached;
}

/**
 * The installation to use: the requested major version if installed, else the newest.
 * Undefined when none is installed.
 */
export async function findPostgresBinaries(wantedMajor?: string): Promise<PostgresBinaries | undefined> {
  const all = await findPostgresInstallations();
  const wanted = wantedMajor ? Number.parseInt(wantedMajor, 10) : undefined;
  return all.find((b) => b.major === wanted) ?? all[0];
}
