/**
 * The action metadata: action-lint/action.yml and action-apply/action.yml are the one source of truth; lint/ and
 * apply/ hold generated copies (scripts/sync-actions.mjs); every declared input is read by the action code and every
 * input the code reads is declared.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, cpSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const read = (rel: string): string => readFileSync(path.join(root, rel), 'utf8');

/** Top-level `<section>:` block's direct keys (two-space indented), in order. */
function sectionKeys(yml: string, section: string): string[] {
  const lines = yml.split('\n');
  const start = lines.findIndex((l) => l === `${section}:`);
  if (start < 0) return [];
  const keys: string[] = [];
  for (const line of lines.slice(start + 1)) {
    if (/^\S/.test(line)) break;
    const m = /^ {2}([A-Za-z0-9_-]+):/.exec(line);
    if (m?.[1]) keys.push(m[1]);
  }
  return keys;
}

/** Value of `key:` inside the two-space indented block of a top-level section or input. */
function field(yml: string, section: string, key: string): string | undefined {
  const block = yml.split(/\n(?=\S)/).find((b) => b.startsWith(`${section}:`));
  const m = block && new RegExp(`^ {2}${key}:\\s*['"]?([^'"\\n]*)['"]?\\s*$`, 'm').exec(block);
  return m?.[1];
}

function inputBlock(yml: string, input: string): string {
  const m = new RegExp(`^ {2}${input}:\\n((?: {4}.*\\n?)*)`, 'm').exec(yml);
  return m?.[1] ?? '';
}

function inputDefault(yml: string, input: string): string | undefined {
  const m = /^ {4}default:\s*(.*)$/m.exec(inputBlock(yml, input));
  return m?.[1]?.replace(/^'(.*)'$/, '$1');
}

const ACTIONS = [
  {
    source: 'action-lint',
    generated: 'lint',
    bundle: 'dist/lint/index.js',
    inputs: [
      'dir',
      'dir-format',
      'dev-url',
      'postgres-version',
      'base',
      'fail-on',
      'github-token',
      'comment',
      'sarif-file',
      'severity',
    ],
    outputs: ['findings-count', 'error-count', 'report-json'],
    defaults: {
      dir: 'migrations',
      'dir-format': 'auto',
      'postgres-version': '16',
      'fail-on': 'destructive,apply-error,history-modified',
      'github-token': '${{ github.token }}',
      comment: 'on',
    },
  },
  {
    source: 'action-apply',
    generated: 'apply',
    bundle: 'dist/apply/index.js',
    inputs: [
      'database-url',
      'dir',
      'dir-format',
      'dry-run',
      'lock-timeout',
      'statement-timeout',
      'lock-retries',
      'lock-wait',
      'allow-out-of-order',
      'baseline',
      'history-table',
    ],
    outputs: ['applied-count', 'pending-count', 'current-version'],
    defaults: {
      dir: 'migrations',
      'dir-format': 'auto',
      'dry-run': 'false',
      'lock-timeout': '5s',
      'statement-timeout': '0',
      'lock-retries': '3',
      'lock-wait': '5m',
      'allow-out-of-order': 'false',
      'history-table': 'db_action.schema_migrations',
    },
  },
] as const;

describe.each(ACTIONS)('$source/action.yml', (a) => {
  const yml = read(`${a.source}/action.yml`);

  test('declares exactly the documented inputs and outputs, with their defaults', () => {
    expect(sectionKeys(yml, 'inputs').sort()).toEqual([...a.inputs].sort());
    expect(sectionKeys(yml, 'outputs').sort()).toEqual([...a.outputs].sort());
    for (const [input, value] of Object.entries(a.defaults)) expect(inputDefault(yml, input)).toBe(value);
    for (const input of a.inputs) expect(inputBlock(yml, input)).toMatch(/^ {4}description: \S/m);
  });

  test('runs on node24 from the bundle in dist/, resolved relative to the action folder', () => {
    expect(field(yml, 'runs', 'using')).toBe('node24');
    const main = field(yml, 'runs', 'main');
    expect(main).toBeDefined();
    expect(path.relative(root, path.resolve(root, a.source, main!))).toBe(a.bundle);
    expect(field(yml, 'branding', 'icon')).toBeTruthy();
    expect(yml).toMatch(/^name: '.+'$/m);
    expect(yml).toMatch(/^description: /m);
  });

  test(`${a.generated}/action.yml is the generated copy (header + same content, main into the same bundle)`, () => {
    const gen = read(`${a.generated}/action.yml`);
    const [l1, l2, ...rest] = gen.split('\n');
    expect(l1).toBe(`# GENERATED from ${a.source}/action.yml by scripts/sync-actions.mjs: do not edit.`);
    expect(l2).toMatch(/^# Edit /);
    expect(rest.join('\n')).toBe(yml);
    const main = field(gen, 'runs', 'main');
    expect(path.relative(root, path.resolve(root, a.generated, main!))).toBe(a.bundle);
  });

  const codeDir = path.join(root, a.source);
  const codeFiles = readdirSync(codeDir).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));
  const hasCode = existsSync(path.join(codeDir, 'main.ts'));
  if (!hasCode) process.stderr.write(`${a.source}/main.ts does not exist yet: its input-coverage test is skipped\n`);
  (hasCode ? test : test.skip)('every declared input is read by the action code, and only declared ones', () => {
    const code = codeFiles.map((f) => readFileSync(path.join(codeDir, f), 'utf8')).join('\n');
    // core.getInput('x') / getBooleanInput('x'), or the action's own helpers: input('x'), durationInput('x', …).
    const read = new Set(
      [...code.matchAll(/\b(?:get\w*Input|\w*[iI]nput)\(\s*['"]([a-z][a-z0-9-]*)['"]/g)].map((m) => m[1]),
    );
    const missing = a.inputs.filter((i) => !read.has(i));
    expect(missing).toEqual([]);
    const undeclared = [...read].filter((i) => !(a.inputs as readonly string[]).includes(i!));
    expect(undeclared).toEqual([]);
  });
});

describe('scripts/sync-actions.mjs', () => {
  const script = path.join(root, 'scripts', 'sync-actions.mjs');

  test('--check passes on the committed files', () => {
    const r = spawnSync(process.execPath, [script, '--check'], { cwd: root, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  test('--check fails naming the stale file, and a plain run regenerates it', () => {
    // A copy of the relevant files, so the real work tree is never touched.
    const tmp = mkdtempSync(path.join(tmpdir(), 'db-action-sync-'));
    try {
      for (const d of ['scripts', 'action-lint', 'action-apply', 'lint', 'apply']) {
        mkdirSync(path.join(tmp, d));
        for (const f of ['sync-actions.mjs', 'action.yml'])
          if (existsSync(path.join(root, d, f))) cpSync(path.join(root, d, f), path.join(tmp, d, f));
      }
      writeFileSync(path.join(tmp, 'package.json'), '{"type":"module"}');
      const copy = path.join(tmp, 'scripts', 'sync-actions.mjs');
      writeFileSync(
        path.join(tmp, 'action-apply', 'action.yml'),
        read('action-apply/action.yml').replace("'5s'", "'9s'"),
      );
      const bad = spawnSync(process.execPath, [copy, '--check'], { cwd: tmp, encoding: 'utf8' });
      expect(bad.status).toBe(1);
      expect(bad.stderr).toMatch(/^sync-actions: apply\/action\.yml is out of date/);
      const fix = spawnSync(process.execPath, [copy], { cwd: tmp, encoding: 'utf8' });
      expect(fix.status).toBe(0);
      expect(readFileSync(path.join(tmp, 'apply', 'action.yml'), 'utf8')).toContain("default: '9s'");
      expect(spawnSync(process.execPath, [copy, '--check'], { cwd: tmp }).status).toBe(0);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});
