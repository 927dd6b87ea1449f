import type { DirFormat } from './types.js';
import { compareBytes } from './snapshot.js';

/**
 * Compares two versions the way the format's tool orders them: negative when `a` runs first, 0 when the
 * tool treats them as the same version (a duplicate), positive otherwise.
 *
 * - plain, golang-migrate, sqlx: integers of any length (`9 < 10`, `001 = 1`).
 * - flyway: dot-separated integer parts (`1.1 < 1.10`, `1 = 1.0`); `R` (repeatable) after every version.
 * - atlas, dbmate, prisma, diesel: plain string order (UTF-8 bytes), as those tools sort.
 */
export function compareVersions(format: DirFormat, a: string, b: string): number {
  switch (format) {
    case 'plain':
    case 'golang-migrate':
    case 'sqlx':
      return compareIntegers(a, b);
    case 'flyway':
      return compareFlywayVersions(a, b);
    case 'atlas':
    case 'dbmate':
    case 'prisma':
    case 'diesel':
      return compareBytes(a, b);
  }
}

const DIGITS = /^\d+$/;

/** Integer order for digit strings of any length (leading zeros ignored); other text after all integers, by string. */
export function compareIntegers(a: string, b: string): number {
  const aNum = DIGITS.test(a);
  const bNum = DIGITS.test(b);
  if (aNum && bNum) {
    const x = BigInt(a);
    const y = BigInt(b);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (aNum !== bNum) return aNum ? -1 : 1;
  return compareBytes(a, b);
}

/** Flyway's order: versions split on `.` (or `_`), parts compared as integers, missing parts are 0; `R` last. */
export function compareFlywayVersions(a: string, b: string): number {
  const aR = a === 'R';
  const bR = b === 'R';
  if (aR || bR) return aR === bR ? 0 : aR ? 1 : -1;
  const pa = a.split(/[._]/);
  const pb = b.split(/[._]/);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const c = compareIntegers(pa[i] ?? '0', pb[i] ?? '0');
    if (c !== 0) return c;
  }
  return 0;
}
