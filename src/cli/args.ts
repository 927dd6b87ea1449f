/**
 * Command-line parsing for `db-action`: node's own `parseArgs`, one option table per command,
 * and usage errors as DbActionError (exit code 2) instead of stack traces.
 */
import { parseArgs } from 'node:util';
import { DbActionError } from '../errors.js';

export type CommandName = 'lint' | 'apply' | 'status';

interface OptionSpec {
  readonly type: 'string' | 'boolean';
  readonly short?: string;
  readonly multiple?: boolean;
  /** Placeholder shown in help, e.g. `<dir>`. */
  readonly arg?: string;
  readonly help: string;
}

const common: Record<string, OptionSpec> = {
  dir: { type: 'string', short: 'd', arg: '<dir>', help: 'migration directory (default: migrations)' },
  'dir-format': {
    type: 'string',
    arg: '<format>',
    help: 'auto | plain | atlas | golang-migrate | sqlx | flyway | dbmate | prisma | diesel (default: auto)',
  },
  verbose: { type: 'boolean', short: 'v', help: 'print debug lines' },
  help: { type: 'boolean', short: 'h', help: 'show this help' },
};

export const COMMAND_OPTIONS: Record<CommandName, Record<string, OptionSpec>> = {
  lint: {
    ...common,
    base: { type: 'string', arg: '<git-ref>', help: 'lint files added or modified since the merge base with this ref' },
    latest: { type: 'string', arg: '<n>', help: 'lint the last N migrations (when no --base)' },
    'dev-url': {
      type: 'string',
      arg: '<url>',
      help: 'server for the throwaway database (default: $DB_ACTION_DEV_URL, else start one)',
    },
    'dev-provider': {
      type: 'string',
      arg: '<name>',
      help: 'auto | url | docker | local | embedded (default: auto, in that order; $DB_ACTION_PG_BINDIR: where local looks)',
    },
    'postgres-version': { type: 'string', arg: '<major>', help: 'PostgreSQL major version for the dev database' },
    format: { type: 'string', short: 'f', arg: '<fmt>', help: 'text | json | sarif | github (default: text)' },
    output: { type: 'string', short: 'o', arg: '<file>', help: 'write the report to a file instead of stdout' },
    'fail-on': {
      type: 'string',
      arg: '<list>',
      help: 'categories, or a severity as threshold (warning = warnings and errors), that fail; none (default: destructive,apply-error,history-modified)',
    },
    severity: {
      type: 'string',
      multiple: true,
      arg: '<rule=level>',
      help: 'override a rule or category: error | warning | notice | off (repeatable)',
    },
    prelude: { type: 'string', arg: '<sql>', help: 'SQL to run on the dev database before the replay' },
    color: { type: 'boolean', help: 'force colours in text output' },
    'no-color': { type: 'boolean', help: 'no colours in text output' },
  },
  apply: {
    ...common,
    url: { type: 'string', arg: '<url>', help: 'database URL (default: $DATABASE_URL)' },
    'dry-run': { type: 'boolean', help: 'print the plan, write nothing' },
    verify: { type: 'boolean', help: 'run pending transactional migrations and roll back' },
    baseline: {
      type: 'string',
      arg: '<version>',
      help: 'mark migrations up to this version (exactly one of the directory) as applied without running them, then apply the later ones',
    },
    'lock-timeout': { type: 'string', arg: '<dur>', help: 'lock_timeout per migration (default: 5s)' },
    'statement-timeout': { type: 'string', arg: '<dur>', help: 'statement_timeout per migration (default: 0 = none)' },
    'lock-retries': { type: 'string', arg: '<n>', help: 'tries when a lock timeout hits (default: 3)' },
    'lock-wait': { type: 'string', arg: '<dur>', help: 'how long to wait for another apply to finish (default: 5m)' },
    'allow-out-of-order': { type: 'boolean', help: 'apply pending versions older than the latest applied one' },
    'history-table': {
      type: 'string',
      arg: '<schema.table>',
      help: 'history table (default: db_action.schema_migrations)',
    },
    json: { type: 'boolean', help: 'print the result as JSON' },
  },
  status: {
    ...common,
    url: {
      type: 'string',
      arg: '<url>',
      help: 'also show what is applied in this database (default: $DATABASE_URL if set)',
    },
    'history-table': {
      type: 'string',
      arg: '<schema.table>',
      help: 'history table (default: db_action.schema_migrations)',
    },
    json: { type: 'boolean', help: 'print the result as JSON' },
  },
};

export const COMMAND_SUMMARY: Record<CommandName, string> = {
  lint: 'replay the migrations on a throwaway PostgreSQL and report risky statements in the new ones',
  apply: 'apply pending migrations to a database, safely and exactly once',
  status: 'list the migrations of a directory (and what a database has applied)',
};

export interface ParsedCommand {
  readonly command: CommandName;
  readonly values: Readonly<Record<string, string | boolean | string[] | undefined>>;
}

export function isCommand(name: string | undefined): name is CommandName {
  return name === 'lint' || name === 'apply' || name === 'status';
}

/** Parses `argv` (without node and script); throws DbActionError on unknown commands or options. */
export function parseCommand(command: CommandName, argv: readonly string[]): ParsedCommand {
  const options = COMMAND_OPTIONS[command];
  try {
    const { values, positionals } = parseArgs({
      args: [...argv],
      options: Object.fromEntries(
        Object.entries(options).map(([name, o]) => [
          name,
          { type: o.type, ...(o.short ? { short: o.short } : {}), ...(o.multiple ? { multiple: true } : {}) },
        ]),
      ),
      allowPositionals: true,
      strict: true,
    });
    if (positionals.length > 0) {
      throw new DbActionError(`unexpected argument '${positionals[0]}' for 'db-action ${command}'`, {
        hint: `run 'db-action ${command} --help'`,
      });
    }
    return { command, values: values as ParsedCommand['values'] };
  } catch (e) {
    if (e instanceof DbActionError) throw e;
    throw new DbActionError(`${(e as Error).message.replace(/\. To specify.*$/s, '')}`, {
      hint: `run 'db-action ${command} --help'`,
      cause: e,
    });
  }
}

export function commandHelp(command: CommandName): string {
  const lines = [`Usage: db-action ${command} [options]`, '', `  ${COMMAND_SUMMARY[command]}`, '', 'Options:'];
  for (const [name, o] of Object.entries(COMMAND_OPTIONS[command])) {
    const flag = `${o.short ? `-${o.short}, ` : '    '}--${name}${o.arg ? ` ${o.arg}` : ''}`;
    lines.push(`  ${flag.padEnd(34)} ${o.help}`);
  }
  return lines.join('\n') + '\n';
}

export function mainHelp(version: string): string {
  return [
    `db-action ${version}: safe PostgreSQL schema changes`,
    '',
    'Usage: db-action <command> [options]',
    '',
    'Commands:',
    ...(Object.keys(COMMAND_SUMMARY) as CommandName[]).map((c) => `  ${c.padEnd(8)} ${COMMAND_SUMMARY[c]}`),
    '',
    'Examples:',
    '  db-action status --dir migrations',
    '  db-action lint --dir migrations --base origin/main',
    '  DATABASE_URL=postgres://… db-action apply --dir migrations --dry-run',
    '',
    "Run 'db-action <command> --help' for the options of a command.",
    '',
  ].join('\n');
}

/** Reads a positive integer option; DbActionError naming the option otherwise. */
export function intOption(values: ParsedCommand['values'], name: string): number | undefined {
  const v = values[name];
  if (v === undefined) return undefined;
  const n = Number(v);
  if (typeof v !== 'string' || !/^\d+$/.test(v) || !Number.isSafeInteger(n)) {
    throw new DbActionError(`--${name} must be a whole number, got '${String(v)}'`);
  }
  return n;
}

export function stringOption(values: ParsedCommand['values'], name: string): string | undefined {
  const v = values[name];
  return typeof v === 'string' ? v : undefined;
}

export function boolOption(values: ParsedCommand['values'], name: string): boolean {
  return values[name] === true;
}
