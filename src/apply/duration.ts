/** Durations as users write them in inputs and flags: `5s`, `500ms`, `2m`, `1h`, `1.5s`, `0`. */
import { DbActionError } from '../errors.js';

const UNITS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, min: 60_000, h: 3_600_000 };

/**
 * Milliseconds of a duration string. A bare number is milliseconds (`0`, `1500`), as PostgreSQL reads
 * `lock_timeout`. Throws a DbActionError naming `what` (e.g. the input) when it does not parse.
 */
export function parseDuration(text: string, what = 'duration'): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|min|h)?\s*$/i.exec(text);
  if (!m) {
    throw new DbActionError(`${what}: cannot read "${text}" as a duration`, {
      hint: 'write a number with a unit: 500ms, 5s, 2m, 1h (0 = none)',
    });
  }
  const unit = (m[2] ?? 'ms').toLowerCase();
  return Math.round(Number(m[1]) * (UNITS[unit] ?? 1));
}

/** `1234` -> `1.23s`, `45` -> `45ms`, `61000` -> `1m 1s`: for logs and summaries. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(2)}s`;
  const m = Math.floor(ms / 60_000);
  const s = Math.round((ms % 60_000) / 1000);
  return `${m}m ${s}s`;
}
