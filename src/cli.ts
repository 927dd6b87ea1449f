/**
 * The `db-action` command line: a thin adapter over the core (`lint`, `apply`, `status`).
 * Filled in by the integrator; `main` returns the exit code instead of exiting so tests can call it.
 */
export async function main(argv: readonly string[]): Promise<number> {
  process.stdout.write(`db-action: ${argv.join(' ')} (CLI under construction)\n`);
  return 0;
}
