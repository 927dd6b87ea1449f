/** README.md stays true: generated tables match action.yml, the version is one, the sample is from a real run. */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { lint } from '../../src/lint/index.js';
import { allRules } from '../../src/lint/rules/index.js';
import { MemoryLogger } from '../../src/logger.js';
import { testServerUrl } from '../helpers/pg.js';
import { VERSION } from '../../src/version.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');

describe('README.md', () => {
  it('has input/output tables generated from action.yml (scripts/gen-readme.mjs --check)', () => {
    const r = spawnSync(process.execPath, [join(root, 'scripts', 'gen-readme.mjs'), '--check'], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    for (const input of ['database-url', 'dry-run', 'lock-timeout', 'dev-url', 'fail-on', 'sarif-file']) {
      expect(readme).toContain(`| \`${input}\` |`);
    }
  });

  it('names the version of package.json', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
    expect(VERSION).toBe(pkg.version);
    expect(readFileSync(join(root, 'CHANGELOG.md'), 'utf8')).toContain(`## ${pkg.version}`);
  });

  it('shows a sample produced by real rules (every rule id in it exists)', () => {
    const sample = /<!-- BEGIN SAMPLE: summary -->([\s\S]*?)<!-- END SAMPLE: summary -->/.exec(readme)?.[1] ?? '';
    const ids = [...sample.matchAll(/· `([a-z-]+)` ·/g)].map((m) => m[1]);
    expect(ids.length).toBeGreaterThan(3);
    const known = new Set(allRules.map((r) => r.id));
    for (const id of ids) expect(known.has(id!)).toBe(true);
  });

  it('shows exactly the findings a lint of examples/migrations reports today (else: node scripts/gen-sample.mjs)', async () => {
    const sample = /<!-- BEGIN SAMPLE: summary -->([\s\S]*?)<!-- END SAMPLE: summary -->/.exec(readme)?.[1] ?? '';
    const shown = [...sample.matchAll(/· `([a-z-]+)` · `([^`]+:\d+)`/g)].map((m) => `${m[2]} ${m[1]}`);
    const report = await lint({
      dir: join(root, 'examples', 'migrations'),
      cwd: root,
      latest: 2,
      devUrl: testServerUrl(),
      logger: new MemoryLogger(),
    });
    expect(shown).toEqual(report.findings.map((f) => `${f.file}:${f.line} ${f.rule}`));
  });

  it('documents the test command that .ci/run runs', () => {
    expect(readme).toMatch(/\$ npm ci\n\$ npm test/);
    expect(readFileSync(join(root, '.ci', 'run'), 'utf8')).toMatch(/npm test/);
  });
});
