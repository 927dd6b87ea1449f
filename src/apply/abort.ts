/** Cancellation helpers: an abortable sleep and the error a cancelled run reports. */
import { DbActionError } from '../errors.js';

/** Marks errors caused by the caller's AbortSignal. */
export class ApplyCancelledError extends DbActionError {
  readonly cancelled = true;
}

/** What a cancellation left behind, which decides what its hint says. */
export type AbortOutcome =
  /** A migration's statement was running: cancelled, and the failure recorded in the history. */
  | 'recorded'
  /** A migration was waiting for its next try after a lock timeout: its failure recorded. */
  | 'between-tries'
  /** No migration had started: nothing was run or recorded. */
  | 'nothing-ran'
  /** Verify: everything rolled back, nothing recorded (verify never writes). */
  | 'verify';

const ABORT_HINTS: Readonly<Record<AbortOutcome, string>> = {
  recorded: 'the running statement was cancelled and the failure recorded; rerun apply to continue',
  'between-tries':
    'no statement was running (it was waiting to retry after a lock timeout); the failure is recorded; rerun apply to continue',
  'nothing-ran': 'no migration had started: nothing was run or recorded; rerun apply to continue',
  verify: 'verify rolled everything back and recorded nothing; rerun it to finish',
};

export function abortError(
  when: string,
  location: { file?: string; line?: number } = {},
  extraHint?: string,
  outcome: AbortOutcome = 'recorded',
): ApplyCancelledError {
  return new ApplyCancelledError(`apply was cancelled ${when}`, {
    ...location,
    hint: `${extraHint ? `${extraHint}; ` : ''}${ABORT_HINTS[outcome]}`,
  });
}

export function isCancelled(e: unknown): e is ApplyCancelledError {
  return e instanceof ApplyCancelledError;
}

/** Resolves after `ms`, or early when `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (ms <= 0 || signal?.aborted) {
      resolve();
      return;
    }
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
