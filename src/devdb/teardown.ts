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
  if (tearingDown) {
    // A second Ctrl-C while tearing down: finish synchronously and go.
    onExit();
    uninstall();
    if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
    return;
  }
  tearingDown = true;
  // Our listener runs first (prepended): anyone else listening handles the signal themselves (the CLI
  // aborts its run and exits with its own code), so we only tear down. Otherwise we re-raise it.
  const handledElsewhere = process.listenerCount(signal) > 1;
  const all = [...live];
  const done = all.map((r) =>
    r.close().then(
      () => live.delete(r), // closed: nothing left for the exit handler
      () => undefined,
    ),
  );
  const timeout = new Promise<void>((resolve) => setTimeout(resolve, SIGNAL_TEARDOWN_MS).unref());
  void Promise.race([Promise.all(done), timeout]).then(() => {
    tearingDown = false;
    uninstall();
    // With our listener gone, the default action (terminate with the signal) applies.
    if (!handledElsewhere && process.listenerCount(signal) === 0) process.kill(process.pid, signal);
    else if (live.size > 0) install();
  });
}

function install(): void {
  if (installed) return;
  installed = true;
  process.on('exit', onExit);
  for (const s of SIGNALS) process.prependListener(s, onSignal);
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
