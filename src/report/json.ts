/**
 * `--format json` and the lint action's `report-json` output: the finding model of ARCHITECTURE.md.
 * Keys of a finding are exactly `file, line, endLine, rule, category, severity, message` plus
 * `suggestion`/`evidence` when present, in that order; summary fields follow the findings.
 */
import type { Finding, LintReport } from '../lint/types.js';
import { countFindings } from './counts.js';

export interface JsonFinding {
  file: string;
  line: number;
  endLine: number;
  rule: string;
  category: string;
  severity: string;
  message: string;
  suggestion?: string;
  evidence?: string[];
}

/** A finding in contract key order, without any extra field an engine may have attached. */
export function jsonFinding(f: Finding): JsonFinding {
  const out: JsonFinding = {
    file: f.file,
    line: f.line,
    endLine: f.endLine,
    rule: f.rule,
    category: f.category,
    severity: f.severity,
    message: f.message,
  };
  if (f.suggestion !== undefined) out.suggestion = f.suggestion;
  if (f.evidence !== undefined && f.evidence.length > 0) out.evidence = [...f.evidence];
  return out;
}

/** The JSON document as a plain object (also what `report-json` holds). */
export function jsonReport(report: LintReport) {
  const counts = countFindings(report.findings);
  return {
    findings: report.findings.map(jsonFinding),
    failed: report.failed,
    failOn: [...report.failOn],
    counts: {
      total: counts.total,
      error: counts.bySeverity.error,
      warning: counts.bySeverity.warning,
      notice: counts.bySeverity.notice,
      byCategory: { ...counts.byCategory },
    },
    dir: report.dir,
    format: report.format,
    baseCount: report.baseCount,
    newCount: report.newCount,
    files: report.files.map((file) => ({
      file: file.file,
      version: file.version,
      status: file.status,
      durationMs: Math.round(file.durationMs),
      findings: file.findings.length,
      ...(file.note !== undefined ? { note: file.note } : {}),
      statements: file.statements.map((s) => {
        const st: Record<string, unknown> = {
          index: s.index,
          line: s.line,
          endLine: s.endLine,
          kind: s.kind,
          durationMs: Math.round(s.durationMs),
          transactional: s.transactional,
          locks: s.locks.map((l) => ({ relation: l.relation, mode: l.mode, ...(l.earlier ? { earlier: true } : {}) })),
          rewritten: [...s.rewritten],
        };
        if (s.error !== undefined) st.error = s.error;
        if (s.note !== undefined) st.note = s.note;
        return st;
      }),
    })),
    devDatabase: {
      provider: report.devDatabase.provider,
      serverVersionNum: report.devDatabase.serverVersionNum,
      startupMs: Math.round(report.devDatabase.startupMs),
    },
    durationMs: Math.round(report.durationMs),
  };
}

/** `db-action lint --format json`: one JSON document, newline-terminated. */
export function formatJson(report: LintReport, options: { pretty?: boolean } = {}): string {
  return `${JSON.stringify(jsonReport(report), null, options.pretty ? 2 : undefined)}\n`;
}
