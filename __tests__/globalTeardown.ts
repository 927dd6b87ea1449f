/** Jest globalTeardown: stops the server globalSetup.ts started (nothing when DB_ACTION_TEST_URL was given). */
export default async function globalTeardown(): Promise<void> {
  const server = globalThis.__DB_ACTION_TEST_SERVER__;
  if (!server) return;
  globalThis.__DB_ACTION_TEST_SERVER__ = undefined;
  await server.close();
}
