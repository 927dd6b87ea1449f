/**
 * Errors the user can fix (bad input, bad configuration, a migration that does not parse or apply)
 * are `DbActionError`s: adapters print their message (with file:line and a hint) and exit non-zero,
 * never a stack trace. Anything else is a bug and is reported as such.
 */
export interface ErrorLocation {
  /** Path of the file, as the user would name it (repo- or cwd-relative where known). */
  readonly file?: string;
  /** 1-based line. */
  readonly line?: number;
  /** 1-based column. */
  readonly column?: number;
}

export class DbActionError extends Error {
  readonly file?: string;
  readonly line?: number;
  readonly column?: number;
  /** What the user should do next. */
  readonly hint?: string;

  constructor(message: string, options: ErrorLocation & { hint?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'DbActionError';
    this.file = options.file;
    this.line = options.line;
    this.column = options.column;
    this.hint = options.hint;
  }

  /** `file:line: message` plus the hint on its own line, the form every adapter prints. */
  format(): string {
    const where = this.file
      ? `${this.file}${this.line ? `:${this.line}` : ''}${this.line && this.column ? `:${this.column}` : ''}: `
      : '';
    return `${where}${this.message}${this.hint ? `\n  hint: ${this.hint}` : ''}`;
  }
}

export function isDbActionError(e: unknown): e is DbActionError {
  return e instanceof DbActionError;
}

/** The message of any thrown value, without a stack. */
export function errorMessage(e: unknown): string {
  if (e instanceof DbActionError) return e.format();
  if (e instanceof Error) return e.message;
  return String(e);
}
