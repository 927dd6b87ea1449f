/**
 * The process-wide registry of live dev databases, so that servers, containers and data directories
 * go away even when the run is interrupted: on SIGINT/SIGTERM/SIGHUP every live resource is torn down
 * (async, bounded) and the signal's default behaviour is re-raised; on `exit` whatever is left gets a
 * synchronous best-effort cleanup (signal the server, remove its directory).
 */

export interface LiveResource {
  /** What it is, for debug output (never a URL). */
  readonly description: string;
  /** Full teardown (stop, wait, remove files). Must be idempotent. */
  close(): Promise<void>;
  /** Last-chance synchronous teardown from an `exit` handler (no awaiting possible). */
  closeSync(): void;
}

const live = new Set<LiveResource>();
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
/** Upper bound on teardown time when a signal arrives. */
const SIGNAL_TEARDOWN_MS = 10_000;
let installed = false;
let tearingDown = false;

function onExit(): void {
  for (const r of live) {
    try {
      r.closeSync();
    } catch {
      // best effort: the process is going away
    }
  }
  live.clear();
}

function onSignal(signal: NodeJS.Signals): void {
  if (tearingDown) return;
  tearingDown = true;
  const all = [...live];
  const done = Promise.allSettled(all.map((r) => r.close()));
  const timeout = new Promise<void>((resolve) => setTimeout(resolve, SIGNAL_TEARDOWN_MS).unref());
  void Promise.race([done, timeout]).then(() => {
    tearingDown = false;
    uninstall();
    // Re-raise: with our listener gone, the default action (terminate with the signal) applies,
    // unless the program installed its own handler, which then decides what happens.
    if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
  });
}

function install(): void {
  if (installed) return;
  installed = true;
  process.on('exit', onExit);
  for (const s of SIGNALS) process.on(s, onSignal);
}

function uninstall(): void {
  if (!installed) return;
  installed = false;
  process.off('exit', onExit);
  for (const s of SIGNALS) process.off(s, onSignal);
}

/** Registers a live resource; returns the function that unregisters it (call it once closed). */
export function track(resource: LiveResource): () => void {
  live.add(resource);
  install();
  return () => {
    live.delete(resource);
    if (live.size === 0 && !tearingDown) uninstall();
  };
}

/** How many dev databases are live in this process (tests). */
export function liveCount(): number {
  return live.size;
}
