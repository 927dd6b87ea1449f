/**
 * The `db-action` command line: a thin adapter over the core (`lint`, `apply`, `status`).
 * `main` returns the exit code instead of exiting so tests can call it in-process:
 * 0 success, 1 the check failed (lint threshold crossed, apply failed), 2 usage or configuration error.
 */
import { commandHelp, isCommand, mainHelp, parseCommand, type CommandName, type ParsedCommand } from './cli/args.js';
import { runApply, runStatus } from './cli/apply.js';
import { runLint } from './cli/lint.js';
import { DbActionError, errorMessage } from './errors.js';
import { stderrLogger } from './logger.js';
import { Redactor, secretsOf } from './secrets.js';
import type { CliIo } from './cli/io.js';
import { processIo } from './cli/io.js';
import { VERSION } from './version.js';

export async function main(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined || first === '-h' || first === '--help' || first === 'help') {
    const topic = first === 'help' ? rest[0] : undefined;
    io.stdout(isCommand(topic) ? commandHelp(topic) : mainHelp(VERSION));
    return 0;
  }
  if (first === '--version' || first === '-V' || first === 'version') {
    io.stdout(`${VERSION}\n`);
    return 0;
  }
  if (!isCommand(first)) {
    io.stderr(`db-action: unknown command '${first}'\n\n${mainHelp(VERSION)}`);
    return 2;
  }
  // Secrets known up front (URLs from the environment) are redacted from everything printed.
  const redactor = new Redactor();
  for (const name of ['DATABASE_URL', 'DEV_URL', 'DB_ACTION_DEV_URL']) {
    const v = io.env[name];
    if (v) redactor.add(...secretsOf(v));
  }
  const safeIo: CliIo = {
    ...io,
    stdout: (t) => io.stdout(redactor.redact(t)),
    stderr: (t) => io.stderr(redactor.redact(t)),
  };
  let parsed: ParsedCommand;
  try {
    parsed = parseCommand(first, rest);
  } catch (e) {
    safeIo.stderr(`db-action: ${errorMessage(e)}\n`);
    return 2;
  }
  for (const key of ['url', 'dev-url']) {
    const v = parsed.values[key];
    if (typeof v === 'string' && v) redactor.add(...secretsOf(v));
  }
  if (parsed.values.help === true) {
    safeIo.stdout(commandHelp(first));
    return 0;
  }
  const logger = stderrLogger(parsed.values.verbose === true, (t) => safeIo.stderr(t));
  try {
    return await dispatch(first, parsed, safeIo, logger, redactor);
  } catch (e) {
    if (e instanceof DbActionError) {
      safeIo.stderr(`db-action: ${e.format()}\n`);
      return 2;
    }
    // A bug: say so plainly, still without a stack unless --verbose.
    safeIo.stderr(`db-action: internal error: ${errorMessage(e)}\n`);
    if (parsed.values.verbose === true && e instanceof Error && e.stack) safeIo.stderr(`${e.stack}\n`);
    return 2;
  }
}

async function dispatch(
  command: CommandName,
  parsed: ParsedCommand,
  io: CliIo,
  logger: ReturnType<typeof stderrLogger>,
  redactor: Redactor,
): Promise<number> {
  switch (command) {
    case 'status':
      return runStatus(parsed, io, logger);
    case 'lint':
      return runLint(parsed, io, logger, redactor);
    case 'apply':
      return runApply(parsed, io, logger);
  }
}
