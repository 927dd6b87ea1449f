/**
 * The pure reporters, for the CLI and library users: terminal text, the JSON contract, SARIF and the
 * Markdown report. The GitHub reporters (annotations, job summary, PR comment) live in ./github.ts,
 * imported only by the lint action so the CLI never loads `@actions/*`.
 */
export { formatText, type TextOptions } from './text.js';
export { formatJson, jsonReport, jsonFinding, type JsonFinding } from './json.js';
export { formatSarif, type SarifOptions } from './sarif.js';
export { buildSarif, ENGINE_RULES, type SarifRuleInfo } from './sarif-log.js';
export {
  formatMarkdown,
  truncateMarkdown,
  verdictLine,
  COMMENT_LIMIT,
  SUMMARY_LIMIT,
  type MarkdownOptions,
} from './markdown.js';
export { countFindings, failingFindings, failingSummary, isFailing, type ReportCounts } from './counts.js';
