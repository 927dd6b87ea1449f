/** Cancellation helpers: an abortable sleep and the error a cancelled run reports. */
import { DbActionError } from '../errors.js';

/** Marks errors caused by the caller's AbortSignal. */
export class ApplyCancelledError extends DbActionError {
  readonly cancelled = true;
}

export function abortError(
  when: string,
  location: { file?: string; line?: number } = {},
  extraHint?: string,
): ApplyCancelledError {
  return new ApplyCancelledError(`apply was cancelled ${when}`, {
    ...location,
    hint: `${extraHint ? `${extraHint}; ` : ''}the running statement was cancelled and the failure recorded; rerun apply to continue`,
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
