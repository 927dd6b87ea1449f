/**
 * SARIF 2.1.0 for GitHub code scanning (upload with github/codeql-action/upload-sarif): one run, the
 * tool driver lists every rule (lint rules plus the engine's own categories), each result has ruleId,
 * ruleIndex, level, message and a repo-relative physical location with a line region.
 * Pure: the rule list comes in as data (`sarif.ts` supplies the real one).
 */
import { createHash } from 'node:crypto';
import type { Category, LintReport, Severity } from '../lint/types.js';

export const SARIF_SCHEMA =
  'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json';
export const SARIF_VERSION = '2.1.0';
export const TOOL_NAME = 'db-action';
export const TOOL_URI = 'https://github.com/db-action/db-action';

/** What SARIF needs to know about a rule (a subset of src/lint/rule.ts `Rule`). */
export interface SarifRuleInfo {
  readonly id: string;
  readonly category: Category;
  readonly defaultSeverity: Severity;
  readonly summary: string;
  readonly docs: string;
}

/** Findings the engine reports itself (not from a rule file): rule id = category name. */
export const ENGINE_RULES: readonly SarifRuleInfo[] = [
  {
    id: 'apply-error',
    category: 'apply-error',
    defaultSeverity: 'error',
    summary: 'The migration does not apply on a fresh database.',
    docs: 'The statement failed when the migrations were replayed in order on a throwaway PostgreSQL. It would fail on deploy too: fix the SQL or the order of the migrations.',
  },
  {
    id: 'history-modified',
    category: 'history-modified',
    defaultSeverity: 'error',
    summary: 'A migration that already exists on the base branch was edited.',
    docs: 'Databases that already applied this migration will not run the edit, and checksum-validating tools refuse to continue. Revert the edit and add a new migration instead.',
  },
  {
    id: 'out-of-order',
    category: 'out-of-order',
    defaultSeverity: 'warning',
    summary: 'A new migration sorts before one that already exists on the base branch.',
    docs: 'Databases that already applied the later migrations may skip this one or refuse to run it. Rename it so its version sorts after every existing migration.',
  },
];

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', notice: 'note' };

export function sarifLevel(severity: Severity): 'error' | 'warning' | 'note' {
  return LEVEL[severity];
}

/** A repo-relative path as a relative URI reference (each segment percent-encoded, `/` kept). */
export function sarifUri(file: string): string {
  return file
    .replace(/\\/g, '/')
    .replace(/^\.\//, '')
    .split('/')
    .map((seg) => encodeURIComponent(seg))
    .join('/');
}

function pascal(id: string): string {
  return id
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join('');
}

function ruleDescriptor(r: SarifRuleInfo) {
  return {
    id: r.id,
    name: pascal(r.id),
    shortDescription: { text: r.summary },
    fullDescription: { text: r.docs.trim() || r.summary },
    help: { text: r.docs.trim() || r.summary, markdown: r.docs.trim() || r.summary },
    defaultConfiguration: { level: sarifLevel(r.defaultSeverity) },
    properties: { tags: ['postgresql', 'migrations', r.category], category: r.category, precision: 'very-high' },
  };
}

export interface BuildSarifOptions {
  readonly toolVersion: string;
  readonly rules: readonly SarifRuleInfo[];
}

export function buildSarif(report: LintReport, options: BuildSarifOptions) {
  const rules: SarifRuleInfo[] = [];
  const index = new Map<string, number>();
  const add = (r: SarifRuleInfo) => {
    if (index.has(r.id)) return;
    index.set(r.id, rules.length);
    rules.push(r);
  };
  for (const r of options.rules) add(r);
  for (const r of ENGINE_RULES) add(r);
  // A finding whose rule is unknown still gets a descriptor, so every ruleIndex is valid.
  for (const f of report.findings)
    add({
      id: f.rule,
      category: f.category,
      defaultSeverity: f.severity,
      summary: `${f.category}: ${f.rule}`,
      docs: '',
    });

  const results = report.findings.map((f) => {
    const text = f.suggestion ? `${f.message}\nSuggestion: ${f.suggestion}` : f.message;
    const fingerprint = createHash('sha256').update(`${f.rule}\u0000${f.file}\u0000${f.message}`).digest('hex');
    return {
      ruleId: f.rule,
      ruleIndex: index.get(f.rule)!,
      level: sarifLevel(f.severity),
      message: { text },
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: sarifUri(f.file), uriBaseId: '%SRCROOT%' },
            region: { startLine: Math.max(1, f.line), endLine: Math.max(f.line, f.endLine, 1) },
          },
        },
      ],
      partialFingerprints: { 'dbActionFinding/v1': fingerprint },
      properties: {
        category: f.category,
        severity: f.severity,
        ...(f.evidence?.length ? { evidence: [...f.evidence] } : {}),
      },
    };
  });

  return {
    $schema: SARIF_SCHEMA,
    version: SARIF_VERSION,
    runs: [
      {
        tool: {
          driver: {
            name: TOOL_NAME,
            informationUri: TOOL_URI,
            version: options.toolVersion,
            semanticVersion: options.toolVersion,
            rules: rules.map(ruleDescriptor),
          },
        },
        automationDetails: { id: `db-action/lint/${report.dir.replace(/\\/g, '/')}/` },
        columnKind: 'utf16CodeUnits',
        results,
      },
    ],
  };
}
