/** Where the CLI reads and writes; injectable so tests run `main()` in-process. */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';

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
    const code = (e as NodeJS.ErrnoException).code;
    throw new DbActionError(`cannot write the report to ${output}: ${code ?? (e as Error).message}`, {
      hint:
        code === 'ENOENT'
          ? 'create the folder first, or give --output a path in an existing folder'
          : code === 'EISDIR'
            ? '--output names a folder: give a file path, e.g. report.json'
            : 'check that the path is writable',
      cause: e,
    });
  }
}
