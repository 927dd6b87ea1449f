import { buildSarif, ENGINE_RULES, SARIF_SCHEMA, sarifUri, type SarifRuleInfo } from '../../src/report/sarif-log.js';
import type { Finding } from '../../src/lint/types.js';
import { sampleReport } from './fixtures.js';

const rules: SarifRuleInfo[] = [
  {
    id: 'drop-column',
    category: 'destructive',
    defaultSeverity: 'error',
    summary: 'Drops a column.',
    docs: 'Dropping a column **loses data**.',
  },
  {
    id: 'create-index-non-concurrently',
    category: 'blocking-lock',
    defaultSeverity: 'warning',
    summary: 'Builds an index without CONCURRENTLY.',
    docs: 'Blocks writes.',
  },
];

describe('SARIF', () => {
  const applyError: Finding = {
    file: 'db/migrations/dir with space/3_x.sql',
    line: 5,
    endLine: 5,
    rule: 'apply-error',
    category: 'apply-error',
    severity: 'error',
    message: 'relation "nope" does not exist',
  };
  const report = sampleReport({ findings: [...sampleReport().findings, applyError] });
  const log = buildSarif(report, { toolVersion: '1.2.3', rules });
  const run = log.runs[0]!;

  it('is a SARIF 2.1.0 log with one run of db-action', () => {
    expect(log.$schema).toBe(SARIF_SCHEMA);
    expect(log.version).toBe('2.1.0');
    expect(log.runs).toHaveLength(1);
    expect(run.tool.driver).toMatchObject({ name: 'db-action', version: '1.2.3', semanticVersion: '1.2.3' });
  });

  it('describes the lint rules plus the engine categories, and any unknown rule a finding names', () => {
    const ids = run.tool.driver.rules.map((r) => r.id);
    expect(ids).toEqual([
      'drop-column',
      'create-index-non-concurrently',
      'apply-error',
      'history-modified',
      'out-of-order',
      'set-not-null',
    ]);
    expect(ENGINE_RULES.map((r) => r.id)).toEqual(['apply-error', 'history-modified', 'out-of-order']);
    const drop = run.tool.driver.rules[0]!;
    expect(drop).toMatchObject({
      id: 'drop-column',
      name: 'DropColumn',
      shortDescription: { text: 'Drops a column.' },
      fullDescription: { text: 'Dropping a column **loses data**.' },
      help: { markdown: 'Dropping a column **loses data**.' },
      defaultConfiguration: { level: 'error' },
    });
    expect(drop.properties.tags).toContain('destructive');
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('has one result per finding with ruleId, a valid ruleIndex, level, message and location', () => {
    expect(run.results).toHaveLength(4);
    for (const r of run.results) expect(run.tool.driver.rules[r.ruleIndex]!.id).toBe(r.ruleId);
    expect(run.results.map((r) => [r.ruleId, r.level])).toEqual([
      ['drop-column', 'error'],
      ['create-index-non-concurrently', 'warning'],
      ['set-not-null', 'note'],
      ['apply-error', 'error'],
    ]);
    const first = run.results[0]!;
    expect(first.message.text).toBe(
      'Drops column public.users.email, which holds data in production.\nSuggestion: Stop reading the column in the application first, deploy, then drop it in a later migration.',
    );
    expect(first.locations[0]!.physicalLocation).toEqual({
      artifactLocation: { uri: 'db/migrations/20240102000000_drop_email.sql', uriBaseId: '%SRCROOT%' },
      region: { startLine: 3, endLine: 4 },
    });
    expect(run.results[3]!.locations[0]!.physicalLocation.artifactLocation.uri).toBe(
      'db/migrations/dir%20with%20space/3_x.sql',
    );
    expect(first.partialFingerprints['dbActionFinding/v1']).toMatch(/^[0-9a-f]{64}$/);
    expect(run.results[1]!.properties.evidence).toEqual(['lock: ShareLock on public.users']);
  });

  it('fingerprints do not depend on the line (a finding keeps its alert when lines shift)', () => {
    const moved = buildSarif(sampleReport({ findings: [{ ...sampleReport().findings[0]!, line: 30, endLine: 31 }] }), {
      toolVersion: '1',
      rules,
    });
    expect(moved.runs[0]!.results[0]!.partialFingerprints).toEqual(run.results[0]!.partialFingerprints);
  });

  it('uses relative URIs only', () => {
    expect(sarifUri('./a/b c/d#e.sql')).toBe('a/b%20c/d%23e.sql');
    expect(sarifUri('a\\b.sql')).toBe('a/b.sql');
  });
});

describe('formatSarif with the built-in rules', () => {
  it('describes every built-in rule and the engine rules, each once, with a level and docs', async () => {
    const { formatSarif } = await import('../../src/report/sarif.js');
    const { allRules } = await import('../../src/lint/rules/index.js');
    const text = formatSarif(sampleReport({ findings: [] }), { toolVersion: '0.1.0' });
    const log = JSON.parse(text);
    const described = log.runs[0].tool.driver.rules as {
      id: string;
      defaultConfiguration: { level: string };
      shortDescription: { text: string };
    }[];
    const ids = described.map((r) => r.id);
    expect(allRules.length).toBeGreaterThan(5);
    expect(ids).toEqual([...allRules.map((r) => r.id), 'apply-error', 'history-modified', 'out-of-order']);
    expect(new Set(ids).size).toBe(ids.length);
    for (const r of described) {
      expect(['error', 'warning', 'note']).toContain(r.defaultConfiguration.level);
      expect(r.shortDescription.text.length).toBeGreaterThan(0);
    }
    expect(log.runs[0].results).toEqual([]);
  });
});
