/**
 * What a reviewer sees as proof under a finding: the finding's own evidence, else what the tracer
 * observed for its statement (locks held on existing relations, tables rewritten).
 */
import type { FileReport, Finding, StatementReport } from '../lint/types.js';
import { blocksWrites, formatLock } from './counts.js';

/** The statement of a file report that a finding points at (same first line). */
export function statementOf(file: FileReport | undefined, finding: Finding): StatementReport | undefined {
  return file?.statements.find((s) => s.line === finding.line);
}

/** Lines like `lock: AccessExclusiveLock on public.users`, `rewrote: public.users`. */
export function statementEvidence(s: StatementReport): string[] {
  const out: string[] = [];
  for (const l of s.locks) if (blocksWrites(l.mode)) out.push(`lock: ${formatLock(l)}`);
  for (const t of s.rewritten) out.push(`rewrote: ${t} (relfilenode changed)`);
  return out;
}

export function evidenceFor(finding: Finding, file: FileReport | undefined): string[] {
  if (finding.evidence && finding.evidence.length > 0) return [...finding.evidence];
  const s = statementOf(file, finding);
  return s ? statementEvidence(s) : [];
}

/**
 * A file of the group that was never traced (an earlier migration failed, see lint's `not traced:` notes) and has no
 * finding of its own: not a pass, whatever the reporter shows for one.
 */
export function untracedGroup(g: { readonly report?: FileReport; readonly findings: readonly Finding[] }): boolean {
  return g.findings.length === 0 && g.report?.note?.startsWith('not traced') === true;
}

/** Findings grouped by file, in report order (files of the report first, then any other file named by a finding). */
export function groupByFile(
  findings: readonly Finding[],
  files: readonly FileReport[],
): { file: string; report?: FileReport; findings: Finding[] }[] {
  const groups = new Map<string, { file: string; report?: FileReport; findings: Finding[] }>();
  for (const f of files) groups.set(f.file, { file: f.file, report: f, findings: [] });
  for (const f of findings) {
    let g = groups.get(f.file);
    if (!g) {
      g = { file: f.file, findings: [] };
      groups.set(f.file, g);
    }
    g.findings.push(f);
  }
  for (const g of groups.values()) g.findings.sort((a, b) => a.line - b.line || a.endLine - b.endLine);
  return [...groups.values()];
}
