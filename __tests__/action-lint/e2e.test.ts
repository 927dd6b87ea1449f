/**
 * End to end: the lint action's bundle run the way the GitHub runner runs it — `node <dist>/lint/index.js`
 * with INPUT_* (hyphens kept, as @actions/core's getInput reads them), a pull_request event file, a
 * GITHUB_WORKSPACE that is a depth-1 checkout of the PR merge commit, GITHUB_STEP_SUMMARY/GITHUB_OUTPUT
 * files and GITHUB_API_URL pointing at a local fake of the GitHub API; dev-url is the shared test server.
 *
 * The bundle is built from the current sources (scripts/build-dist.mjs, the same build as `npm run build`)
 * into a temporary dist/ outside the repository, so it runs without node_modules. A build failure fails
 * this test: it never skips.
 */
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { dockerAvailable, testServerUrl } from '../helpers/pg.js';
import { FakeGithub } from './fake-github.js';
import { pullRequestRepo, shallowCheckout, type PullRequestRepo } from './git-repo.js';

/** Debugging aid only: run the TypeScript sources instead of the bundle. */
const FROM_SOURCE = process.env.DB_ACTION_E2E_FROM_SOURCE === '1';
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

interface ActionRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly summary: string;
  readonly outputs: Record<string, string>;
}

/** Parses GITHUB_OUTPUT (`name<<delimiter\nvalue\ndelimiter`). */
function parseOutputs(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const re = /^([^\n<]+)<<(\S+)\n([\s\S]*?)\n\2$/gm;
  for (const m of text.matchAll(re)) out[m[1]!] = m[3]!;
  return out;
}

const BASE_SQL = `CREATE TABLE users (
  id bigint PRIMARY KEY,
  email text NOT NULL,
  name text
);
INSERT INTO users VALUES (1, 'a@example.com', 'a');
`;

// Line 1: destructive (fails by default). Line 3: an index built without CONCURRENTLY on an existing table.
const PR_SQL = `ALTER TABLE users DROP COLUMN email;

CREATE INDEX users_name_idx ON users (name);
`;

const SAFE_SQL = `CREATE TABLE audit_log (id bigint PRIMARY KEY, at timestamptz NOT NULL DEFAULT now());
`;

describe('lint action bundle, run like the GitHub runner', () => {
  const gh = new FakeGithub();
  let distDir: string;
  /** node arguments that start the action: the bundle (or, for debugging only, the sources). */
  let entry: string[];
  const cleanup: string[] = [];
  let work: string;
  let repo: PullRequestRepo;
  let devUrl: string;
  let password: string;

  beforeAll(async () => {
    // action.yml says where the runner finds the entry point; build exactly that layout.
    const meta = readFileSync(join(root, 'action-lint', 'action.yml'), 'utf8');
    const main = /^\s*main:\s*'?([^'\n]+)'?\s*$/m.exec(meta)?.[1];
    expect(main).toBe('../dist/lint/index.js');
    distDir = mkdtempSync(join(tmpdir(), 'db-action-e2e-dist-'));
    if (FROM_SOURCE) {
      process.stderr.write(
        'DB_ACTION_E2E_FROM_SOURCE=1: running the tsc output of action-lint/index.ts instead of the bundle\n',
      );
      const out = mkdtempSync(join(root, '.cache', 'e2e-tsc-'));
      cleanup.push(out);
      const tsc = spawnSync(
        process.execPath,
        [
          join(root, 'node_modules', 'typescript', 'bin', 'tsc'),
          '-p',
          'tsconfig.dist.json',
          '--noCheck',
          '--outDir',
          out,
        ],
        { cwd: root, encoding: 'utf8' },
      );
      if (tsc.status !== 0) throw new Error(`tsc failed:\n${tsc.stdout}\n${tsc.stderr}`);
      entry = [join(out, 'action-lint', 'index.js')];
    } else {
      const build = spawnSync(
        process.execPath,
        [join(root, 'scripts', 'build-dist.mjs'), '--out', join(distDir, 'dist'), '--only', 'lint'],
        {
          cwd: root,
          encoding: 'utf8',
        },
      );
      if (build.status !== 0) throw new Error(`building the lint bundle failed:\n${build.stdout}\n${build.stderr}`);
      const bundle = join(distDir, 'dist', 'lint', 'index.js');
      expect(existsSync(bundle)).toBe(true);
      entry = [bundle];
    }

    await gh.start();
    devUrl = testServerUrl();
    password = decodeURIComponent(new URL(devUrl).password);
    expect(password.length).toBeGreaterThan(8);
    work = mkdtempSync(join(tmpdir(), 'db-action-e2e-'));
    repo = pullRequestRepo(
      { 'db/migrations/1_init.sql': BASE_SQL, 'README.md': '# app\n' },
      { 'db/migrations/2_changes.sql': PR_SQL },
      2,
    );
  }, 300000);

  afterAll(async () => {
    await gh.stop();
    for (const d of [distDir, work, repo?.root, ...cleanup]) if (d) rmSync(d, { recursive: true, force: true });
  });

  let runNo = 0;
  async function runAction(
    workspace: string,
    inputs: Record<string, string>,
    event: { name: string; payload: object },
    envChanges: Record<string, string | undefined> = {},
  ): Promise<ActionRun> {
    runNo += 1;
    const dir = join(work, `run-${runNo}`);
    const files = { event: `${dir}-event.json`, summary: `${dir}-summary.md`, output: `${dir}-output.txt` };
    writeFileSync(files.event, JSON.stringify(event.payload));
    writeFileSync(files.summary, '');
    writeFileSync(files.output, '');
    const allInputs: Record<string, string> = {
      dir: 'migrations',
      'dir-format': 'auto',
      'dev-url': '',
      'postgres-version': '16',
      base: '',
      'fail-on': 'destructive,apply-error,history-modified',
      'github-token': 'ghs_faketoken123456',
      comment: 'on',
      'sarif-file': '',
      severity: '',
      ...inputs,
    };
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: process.env.HOME ?? work,
      CI: 'true',
      GITHUB_ACTIONS: 'true',
      GITHUB_EVENT_NAME: event.name,
      GITHUB_EVENT_PATH: files.event,
      GITHUB_REPOSITORY: 'octo/app',
      GITHUB_REPOSITORY_OWNER: 'octo',
      GITHUB_WORKSPACE: workspace,
      GITHUB_STEP_SUMMARY: files.summary,
      GITHUB_OUTPUT: files.output,
      GITHUB_API_URL: gh.url,
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_SHA: repo.mergeSha,
      GITHUB_REF: 'refs/pull/1/merge',
      GITHUB_RUN_ID: '4242',
      GITHUB_WORKFLOW: 'migrations',
      RUNNER_TEMP: work,
      NO_PROXY: '127.0.0.1,localhost',
    };
    // The runner's naming: INPUT_ + name upper-cased, spaces to underscores, hyphens kept.
    for (const [k, v] of Object.entries(allInputs)) env[`INPUT_${k.replace(/ /g, '_').toUpperCase()}`] = v;
    for (const [k, v] of Object.entries(envChanges)) {
      if (v === undefined) delete env[k];
      else env[k] = v;
    }
    const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>(
      (res) => {
        execFile(
          process.execPath,
          entry,
          { cwd: workspace, env, timeout: 120000, maxBuffer: 64 * 1024 * 1024 },
          (err, so, se) => {
            res({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout: String(so), stderr: String(se) });
          },
        );
      },
    );
    return {
      code,
      stdout,
      stderr,
      summary: readFileSync(files.summary, 'utf8'),
      outputs: parseOutputs(readFileSync(files.output, 'utf8')),
    };
  }

  const prEvent = () => ({
    name: 'pull_request',
    payload: {
      action: 'synchronize',
      number: 1,
      pull_request: { number: 1, base: { ref: 'main', sha: repo.baseSha }, head: { ref: 'pr', sha: repo.headSha } },
      repository: { name: 'app', owner: { login: 'octo' } },
    },
  });

  /** The secret may appear only where the runner is told to mask it. */
  function expectNoPassword(r: ActionRun): void {
    const leaks = [...r.stdout.split('\n'), ...r.stderr.split('\n'), r.summary, ...Object.values(r.outputs)].filter(
      (l) => l.includes(password) && !l.startsWith('::add-mask::'),
    );
    expect(leaks).toEqual([]);
    for (const req of gh.requests) expect(JSON.stringify(req.body ?? {})).not.toContain(password);
  }

  let first: ActionRun;
  let shallow: string;

  it('fails on a destructive change, with annotations, summary, outputs, SARIF and a new PR comment', async () => {
    shallow = shallowCheckout(repo, 'ws-e2e');
    first = await runAction(
      shallow,
      { dir: 'db/migrations', 'dev-url': devUrl, 'sarif-file': 'out/lint.sarif' },
      prEvent(),
    );
    const { stdout } = first;
    expect(first.code).toBe(1);
    // dev-url and its password are masked before anything else is printed.
    const masks = stdout.split('\n').filter((l) => l.startsWith('::add-mask::'));
    expect(masks).toContain(`::add-mask::${devUrl}`);
    expect(masks).toContain(`::add-mask::${password}`);
    expect(stdout.indexOf(`::add-mask::${password}`)).toBeLessThan(stdout.indexOf('::error'));
    // An error annotation at the repo-relative file and the statement's line.
    expect(stdout).toMatch(
      /^::error title=db-action%3A destructive \(drop-column\),file=db\/migrations\/2_changes\.sql,line=1,endLine=1::.*public\.users\.email/m,
    );
    // The step fails with the counts of the failing categories.
    expect(stdout).toMatch(
      /^::error::db-action lint: check failed \(fail-on: destructive, apply-error, history-modified\): 1 destructive$/m,
    );
    // The base commit was fetched into the shallow checkout.
    expect(stdout).toContain('fetching it from origin');

    expect(first.summary).toContain('❌ **db-action lint: check failed**');
    expect(first.summary).toContain('| 🗑️ destructive | 1 | yes |');
    expect(first.summary).toContain('`db/migrations/2_changes.sql`');
    expect(first.summary).toContain(`https://github.com/octo/app/blob/${repo.headSha}/db/migrations/2_changes.sql#L1`);
    expect(first.summary).toContain('<summary>Statement-level locks and timings</summary>');

    const report = JSON.parse(first.outputs['report-json']!);
    expect(first.outputs['findings-count']).toBe(String(report.findings.length));
    expect(Number(first.outputs['error-count'])).toBeGreaterThanOrEqual(1);
    expect(report.failed).toBe(true);
    expect(report.findings.find((f: { rule: string }) => f.rule === 'drop-column')).toMatchObject({
      file: 'db/migrations/2_changes.sql',
      line: 1,
      endLine: 1,
      category: 'destructive',
      severity: 'error',
    });
    expect(report).toMatchObject({ baseCount: 1, newCount: 1 });

    const sarif = JSON.parse(readFileSync(join(shallow, 'out', 'lint.sarif'), 'utf8'));
    expect(sarif.version).toBe('2.1.0');
    const result = sarif.runs[0].results.find((r: { ruleId: string }) => r.ruleId === 'drop-column');
    expect(result.level).toBe('error');
    expect(result.locations[0].physicalLocation).toEqual({
      artifactLocation: { uri: 'db/migrations/2_changes.sql', uriBaseId: '%SRCROOT%' },
      region: { startLine: 1, endLine: 1 },
    });

    const writes = gh.writes();
    expect(writes.map((w) => `${w.method} ${w.path}`)).toEqual(['POST /repos/octo/app/issues/1/comments']);
    expect(writes[0]!.authorization).toBe('token ghs_faketoken123456');
    expect(String(writes[0]!.body?.body)).toMatch(/^<!-- db-action:lint dir=db\/migrations -->\n/);
    // The token is masked too, and never printed otherwise.
    expect(stdout.split('\n').filter((l) => l.includes('ghs_faketoken123456'))).toEqual([
      '::add-mask::ghs_faketoken123456',
    ]);
    expectNoPassword(first);
  });

  it('a second run updates the same comment in place (no duplicate)', async () => {
    const before = gh.comments.get(1)!.map((c) => c.id);
    const second = await runAction(shallow, { dir: 'db/migrations', 'dev-url': devUrl }, prEvent());
    expect(second.code).toBe(1);
    const writes = gh.writes();
    expect(writes.at(-1)).toMatchObject({ method: 'PATCH', path: `/repos/octo/app/issues/comments/${before[0]}` });
    expect(gh.comments.get(1)!.map((c) => c.id)).toEqual(before);
    expect(gh.comments.get(1)).toHaveLength(1);
    expectNoPassword(second);
  });

  it('fork PR (read-only token): the comment is a warning, the exit code follows the findings', async () => {
    gh.forbidden = true;
    try {
      const failing = await runAction(shallow, { dir: 'db/migrations', 'dev-url': devUrl }, prEvent());
      expect(failing.code).toBe(1);
      expect(failing.stdout).toMatch(/^::warning::Could not write the pull request comment: the token is read-only/m);
      expect(failing.stdout).toMatch(/^::error::db-action lint: check failed/m);
      expect(failing.summary).toContain('check failed');
      expectNoPassword(failing);

      const passing = await runAction(
        shallow,
        { dir: 'db/migrations', 'dev-url': devUrl, 'fail-on': 'none' },
        prEvent(),
      );
      expect(passing.code).toBe(0);
      expect(passing.stdout).toMatch(/^::warning::Could not write the pull request comment: the token is read-only/m);
      expect(passing.stdout).toMatch(/^::error title=db-action%3A destructive/m);
      expect(passing.summary).toContain('check passed with');
      expectNoPassword(passing);
    } finally {
      gh.forbidden = false;
    }
  });

  it('comment: off posts nothing; a safe change passes', async () => {
    const safe = pullRequestRepo({ 'db/migrations/1_init.sql': BASE_SQL }, { 'db/migrations/2_audit.sql': SAFE_SQL });
    try {
      const requestsBefore = gh.requests.length;
      const r = await runAction(
        safe.workspace,
        { dir: 'db/migrations', 'dev-url': devUrl, comment: 'off' },
        {
          name: 'pull_request',
          payload: { number: 1, pull_request: { number: 1, base: { sha: safe.baseSha }, head: { sha: safe.headSha } } },
        },
      );
      expect(r.code).toBe(0);
      expect(gh.requests.length).toBe(requestsBefore);
      expect(r.outputs['findings-count']).toBe('0');
      expect(r.outputs['error-count']).toBe('0');
      expect(r.summary).toContain('✅ **db-action lint: check passed**');
      expect(r.stdout).not.toMatch(/^::error/m);
      expectNoPassword(r);
    } finally {
      rmSync(safe.root, { recursive: true, force: true });
    }
  });

  it('an edited base migration is annotated as history-modified at its file', async () => {
    const edited = pullRequestRepo(
      { 'db/migrations/1_init.sql': BASE_SQL },
      {
        'db/migrations/1_init.sql': `${BASE_SQL}CREATE INDEX users_email_idx ON users (email);\n`,
        'db/migrations/2_audit.sql': SAFE_SQL,
      },
    );
    try {
      const ws = shallowCheckout(edited, 'ws-history');
      const r = await runAction(
        ws,
        { dir: 'db/migrations', 'dev-url': devUrl, comment: 'off' },
        {
          name: 'pull_request',
          payload: {
            number: 2,
            pull_request: { number: 2, base: { sha: edited.baseSha }, head: { sha: edited.headSha } },
          },
        },
      );
      expect(r.code).toBe(1);
      expect(r.stdout).toMatch(
        /^::error title=db-action%3A history-modified \(history-modified\),file=db\/migrations\/1_init\.sql,line=\d+,endLine=\d+::/m,
      );
      expect(r.stdout).toMatch(
        /^::error::db-action lint: check failed \(fail-on: destructive, apply-error, history-modified\): 1 history-modified$/m,
      );
      expect(JSON.parse(r.outputs['report-json']!).newCount).toBe(1);
      expectNoPassword(r);
    } finally {
      rmSync(edited.root, { recursive: true, force: true });
    }
  });

  it('a migration that does not apply is an apply-error annotation at the failing statement', async () => {
    const broken = pullRequestRepo(
      { 'db/migrations/1_init.sql': BASE_SQL },
      { 'db/migrations/2_broken.sql': `-- adds a column\n\nALTER TABLE no_such_table\n  ADD COLUMN x int;\n` },
    );
    try {
      const r = await runAction(
        broken.workspace,
        { dir: 'db/migrations', 'dev-url': devUrl, comment: 'off' },
        {
          name: 'pull_request',
          payload: {
            number: 3,
            pull_request: { number: 3, base: { sha: broken.baseSha }, head: { sha: broken.headSha } },
          },
        },
      );
      expect(r.code).toBe(1);
      expect(r.stdout).toMatch(
        /^::error title=db-action%3A apply-error \(apply-error\),file=db\/migrations\/2_broken\.sql,line=3,endLine=4::.*no_such_table/m,
      );
      expect(r.summary).toContain('| 💥 apply-error | 1 | yes |');
      expectNoPassword(r);
    } finally {
      rmSync(broken.root, { recursive: true, force: true });
    }
  });

  it('on push, the commit before the push is the base and no comment is attempted', async () => {
    const requestsBefore = gh.requests.length;
    const r = await runAction(
      repo.workspace,
      { dir: 'db/migrations', 'dev-url': devUrl },
      {
        name: 'push',
        payload: { ref: 'refs/heads/main', before: repo.baseSha, after: repo.mergeSha, created: false },
      },
    );
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`New migrations: commit before the push ${repo.baseSha.slice(0, 12)}`);
    expect(r.stdout).toMatch(
      /^::error title=db-action%3A destructive \(drop-column\),file=db\/migrations\/2_changes\.sql,line=1,endLine=1::/m,
    );
    expect(gh.requests.length).toBe(requestsBefore);
    expectNoPassword(r);
  });

  it('without dev-url: Docker is probed through the bundled testcontainers, else the local binaries; no GITHUB_REPOSITORY is fine', async () => {
    const docker = await dockerAvailable();
    const r = await runAction(
      repo.workspace,
      { dir: 'db/migrations', comment: 'off' },
      { name: 'push', payload: { ref: 'refs/heads/main', before: repo.baseSha, after: repo.mergeSha } },
      { GITHUB_REPOSITORY: undefined, GITHUB_REPOSITORY_OWNER: undefined, RUNNER_DEBUG: '1' },
    );
    expect(r.stdout).not.toMatch(/internal error|Cannot find (module|package)|__dirname is not defined/);
    expect(r.stderr).not.toMatch(/ReferenceError|ERR_MODULE_NOT_FOUND/);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^::debug::dev database: no dev-url given, skipping the url provider$/m);
    if (docker) {
      expect(r.stdout).toMatch(/^dev database: docker \(PostgreSQL 16\./m);
    } else {
      // testcontainers' own discovery answered (not a missing module): the bundle really carries it.
      expect(r.stdout).toMatch(
        /^::debug::dev database: skipping docker: no Docker engine: Could not find a working container runtime strategy/m,
      );
      expect(r.stdout).toMatch(/^dev database: local \(PostgreSQL \d+\.\d+, ready in \d+ ms\) \(skipped: docker\)$/m);
    }
    expect(r.stdout).toMatch(
      /^::error title=db-action%3A destructive \(drop-column\),file=db\/migrations\/2_changes\.sql,line=1,endLine=1::/m,
    );
    expect(r.summary).toContain('db-action lint: check failed');
  });

  it('severity: drop-column=off removes the finding and the check passes; a typo fails with the real name', async () => {
    const off = await runAction(
      shallow,
      { dir: 'db/migrations', 'dev-url': devUrl, comment: 'off', severity: 'drop-column=off\ntable-rewrite=error' },
      prEvent(),
    );
    expect(off.code).toBe(0);
    expect(off.stdout).not.toMatch(/drop-column/);
    expect(JSON.parse(off.outputs['report-json'] ?? '{}').findings.map((f: { rule: string }) => f.rule)).not.toContain(
      'drop-column',
    );
    const typo = await runAction(
      shallow,
      { dir: 'db/migrations', 'dev-url': devUrl, comment: 'off', severity: 'drop-colum=off' },
      prEvent(),
    );
    expect(typo.code).toBe(1);
    expect(typo.stdout).toMatch(
      /^::error title=db-action lint.*input severity: 'drop-colum' is neither a rule nor a category/m,
    );
    expect(typo.stdout).toContain("did you mean 'drop-column'");
    expectNoPassword(typo);
  });

  it('a user error fails the step with a clean message, no stack trace', async () => {
    const r = await runAction(shallow, { dir: 'no/such/dir', 'dev-url': devUrl }, prEvent());
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^::error title=db-action lint.*::.*no\/such\/dir/m);
    expect(r.stdout).not.toMatch(/\n\s+at .*\.js:\d+/);
    expect(r.summary).toContain('❌ **db-action lint could not run**');
    expect(r.summary).toContain('no/such/dir');
    expectNoPassword(r);
  });

  it('an invalid input is reported as such', async () => {
    const r = await runAction(shallow, { dir: 'db/migrations', 'dev-url': devUrl, 'fail-on': 'destructiv' }, prEvent());
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("Invalid fail-on value 'destructiv'");
    expectNoPassword(r);
  });
});
