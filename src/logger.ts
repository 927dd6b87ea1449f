/**
 * The small logging interface the core takes. The core never imports `@actions/*`: each adapter
 * (CLI, lint action, apply action) passes a Logger that writes where it should.
 */
export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** A logger that drops everything (tests, library use). */
export const silentLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
};

/** A logger that collects lines in memory, for tests that assert on what was logged. */
export class MemoryLogger implements Logger {
  readonly lines: { level: 'debug' | 'info' | 'warn' | 'error'; message: string }[] = [];
  debug(message: string): void {
    this.lines.push({ level: 'debug', message });
  }
  info(message: string): void {
    this.lines.push({ level: 'info', message });
  }
  warn(message: string): void {
    this.lines.push({ level: 'warn', message });
  }
  error(message: string): void {
    this.lines.push({ level: 'error', message });
  }
  /** Everything logged, one line each, for leak scans. */
  text(): string {
    return this.lines.map((l) => `${l.level}: ${l.message}`).join('\n');
  }
}

/** A logger writing to stderr (the CLI); debug lines only when `verbose`. */
export function stderrLogger(
  verbose = false,
  write: (text: string) => void = (t) => void process.stderr.write(t),
): Logger {
  return {
    debug: (m) => {
      if (verbose) write(`debug: ${m}\n`);
    },
    info: (m) => write(`${m}\n`),
    warn: (m) => write(`warning: ${m}\n`),
    error: (m) => write(`error: ${m}\n`),
  };
}
