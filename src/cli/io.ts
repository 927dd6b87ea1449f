/** Where the CLI reads and writes; injectable so tests run `main()` in-process. */
import { existsSync, statSync, writeFileSync, type Stats } from 'node:fs';
import { dirname, resolve } from 'node:path';

import { DbActionError } from '../errors.js';

export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
  readonly isTTY: boolean;
}

export const processIo: CliIo = {
  stdout: (t) => void process.stdout.write(t),
  stderr: (t) => void process.stderr.write(t),
  env: process.env,
  cwd: process.cwd(),
  isTTY: Boolean(process.stdout.isTTY),
};

/** The error for a report that cannot be written to `output`, with what to do for the common causes. */
function outputError(output: string, code: string | undefined, cause?: unknown): DbActionError {
  return new DbActionError(`cannot write the report to ${output}: ${code ?? (cause as Error)?.message}`, {
    hint:
      code === 'ENOENT'
        ? 'create the folder first, or give --output a path in an existing folder'
        : code === 'EISDIR'
          ? '--output names a folder: give a file path, e.g. report.json'
          : 'check that the path is writable',
    ...(cause === undefined ? {} : { cause }),
  });
}

/**
 * Fails early (before any work) when `output` cannot be written: its folder is missing or it names a folder.
 * The same errors as emit's.
 */
export function checkOutputPath(io: CliIo, output: string | undefined): void {
  if (!output) return;
  const path = resolve(io.cwd, output);
  let folder: Stats | undefined;
  try {
    folder = statSync(dirname(path));
  } catch {
    folder = undefined;
  }
  if (!folder?.isDirectory()) throw outputError(output, 'ENOENT');
  if (existsSync(path) && statSync(path).isDirectory()) throw outputError(output, 'EISDIR');
}

/** Writes `text` to `output` when given (relative to `io.cwd`), else stdout; always newline-terminated. */
export function emit(io: CliIo, text: string, output: string | undefined): void {
  const body = text.endsWith('\n') ? text : `${text}\n`;
  if (!output) {
    io.stdout(body);
    return;
  }
  try {
    writeFileSync(resolve(io.cwd, output), body);
  } catch (e) {
    throw outputError(output, (e as NodeJS.ErrnoException).code, e);
  }
}
