/** `db-action lint`: options -> core `lint()` -> a reporter -> exit code. */
import { DbActionError } from '../errors.js';
import { lint } from '../lint/index.js';
import { parseSeverityOverrides } from '../lint/severity-config.js';
import { CATEGORIES, type Category, type LintReport, type Severity } from '../lint/types.js';
import type { Logger } from '../logger.js';
import { DIR_FORMATS, type DirFormat } from '../migrations/types.js';
import { formatJson } from '../report/json.js';
import { formatSarif } from '../report/sarif.js';
import { formatText } from '../report/text.js';
import type { Redactor } from '../secrets.js';
import { VERSION } from '../version.js';
import { intOption, stringOption, type ParsedCommand } from './args.js';
import { checkOutputPath, emit, type CliIo } from './io.js';

const SEVERITIES: readonly Severity[] = ['error', 'warning', 'notice'];
const PROVIDERS = ['auto', 'url', 'docker', 'local', 'embedded'] as const;
type Provider = (typeof PROVIDERS)[number];

export async function runLint(parsed: ParsedCommand, io: CliIo, logger: Logger, redactor: Redactor): Promise<number> {
  const v = parsed.values;
  const format = stringOption(v, 'format') ?? 'text';
  if (!['text', 'json', 'sarif', 'github'].includes(format)) {
    throw new DbActionError(`--format must be text, json, sarif or github, got '${format}'`);
  }
  const base = stringOption(v, 'base');
  const latest = intOption(v, 'latest');
  if (base !== undefined && latest !== undefined) throw new DbActionError('give either --base or --latest, not both');
  const devUrl = stringOption(v, 'dev-url') ?? io.env.DB_ACTION_DEV_URL;
  const output = stringOption(v, 'output');
  checkOutputPath(io, output);
  const abort = new AbortController();
  const onSignal = (): void => abort.abort(new DbActionError('interrupted'));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  let report: LintReport;
  try {
    report = await lint({
      dir: stringOption(v, 'dir') ?? 'migrations',
      format: dirFormatOption(stringOption(v, 'dir-format')),
      cwd: io.cwd,
      base,
      latest: base === undefined && latest === undefined ? undefined : latest,
      devUrl,
      devProvider: providerOption(stringOption(v, 'dev-provider')),
      postgresVersion: stringOption(v, 'postgres-version'),
      failOn: parseFailOn(stringOption(v, 'fail-on')),
      severities: parseSeverityOverrides(
        v.severity === undefined ? [] : (Array.isArray(v.severity) ? v.severity : [v.severity]).map(String),
        '--severity',
      ),
      prelude: stringOption(v, 'prelude'),
      logger,
      signal: abort.signal,
    });
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  const color = v.color === true ? true : v['no-color'] === true || io.env.NO_COLOR ? false : io.isTTY && !output;
  const text =
    format === 'json'
      ? formatJson(report)
      : format === 'sarif'
        ? formatSarif(report, { toolVersion: VERSION })
        : format === 'github'
          ? formatWorkflowCommands(report)
          : formatText(report, { color });
  emit(io, redactor.redact(text), output);
  // The report went to a file: the terminal still gets the verdict.
  if (output)
    io.stderr(
      `${report.failed ? 'check failed' : 'check passed'}: ${report.findings.length} finding(s), report written to ${output}\n`,
    );
  return report.failed ? 1 : 0;
}

export function dirFormatOption(value: string | undefined): DirFormat | 'auto' {
  if (value === undefined || value === 'auto') return 'auto';
  if ((DIR_FORMATS as readonly string[]).includes(value)) return value as DirFormat;
  throw new DbActionError(`unknown directory format '${value}'`, {
    hint: `use one of: auto, ${DIR_FORMATS.join(', ')}`,
  });
}

function providerOption(value: string | undefined): Provider | undefined {
  if (value === undefined) return undefined;
  if ((PROVIDERS as readonly string[]).includes(value)) return value as Provider;
  throw new DbActionError(`unknown dev database provider '${value}'`, { hint: `use one of: ${PROVIDERS.join(', ')}` });
}

/** `destructive,apply-error` or `error` or `warning,destructive`: categories and severities. */
export function parseFailOn(value: string | undefined): (Category | Severity)[] | undefined {
  if (value === undefined) return undefined;
  const names = value
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter(Boolean);
  if (names.length === 1 && names[0] === 'none') return [];
  for (const n of names) {
    if (!(CATEGORIES as readonly string[]).includes(n) && !(SEVERITIES as readonly string[]).includes(n)) {
      throw new DbActionError(`unknown fail-on value '${n}'`, {
        hint: `use categories (${CATEGORIES.join(', ')}), severities (${SEVERITIES.join(', ')}) or 'none'`,
      });
    }
  }
  return names as (Category | Severity)[];
}

function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}
function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/** `--format github`: GitHub workflow commands, so the CLI annotates a PR when run in any workflow step. */
export function formatWorkflowCommands(report: LintReport): string {
  const lines = report.findings.map((f) => {
    const level = f.severity === 'notice' ? 'notice' : f.severity;
    const props = [
      `file=${escapeProperty(f.file)}`,
      `line=${f.line}`,
      `endLine=${f.endLine}`,
      `title=${escapeProperty(`${f.rule} (${f.category})`)}`,
    ].join(',');
    const body = f.suggestion ? `${f.message}\n${f.suggestion}` : f.message;
    return `::${level} ${props}::${escapeData(body)}`;
  });
  lines.push(
    `${report.findings.length} finding(s) in ${report.newCount} new migration(s); check ${report.failed ? 'failed' : 'passed'}`,
  );
  return lines.join('\n');
}
