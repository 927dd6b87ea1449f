/** PostgreSQL's table-level lock modes, weakest first, and their order. */
export const LOCK_STRENGTH: readonly string[] = [
  'AccessShareLock',
  'RowShareLock',
  'RowExclusiveLock',
  'ShareUpdateExclusiveLock',
  'ShareLock',
  'ShareRowExclusiveLock',
  'ExclusiveLock',
  'AccessExclusiveLock',
];

/** Position of a mode in LOCK_STRENGTH (`AccessExclusive`, `access exclusive` accepted); -1 when unknown. */
export function lockRank(mode: string): number {
  const normal = mode.replace(/[\s_]/g, '').toLowerCase();
  return LOCK_STRENGTH.findIndex((m) => m.toLowerCase() === normal || m.toLowerCase() === `${normal}lock`);
}
