/** `--format sarif` / the lint action's `sarif-file`: SARIF 2.1.0 with every built-in rule described. */
import type { LintReport } from '../lint/types.js';
import { allRules } from '../lint/rules/index.js';
import { buildSarif, type SarifRuleInfo } from './sarif-log.js';

export interface SarifOptions {
  readonly toolVersion: string;
  /** Rule metadata; default: the built-in rules. */
  readonly rules?: readonly SarifRuleInfo[];
}

export function formatSarif(report: LintReport, options: SarifOptions): string {
  return `${JSON.stringify(buildSarif(report, { toolVersion: options.toolVersion, rules: options.rules ?? allRules }), null, 2)}\n`;
}
