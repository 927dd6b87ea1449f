/**
 * Which apply errors are usage or configuration errors (the CLI's exit 2: a bad option, a connection
 * or login that fails, a role without the privileges the history needs) rather than a failed check or
 * migration (exit 1: drift, a migration that fails, a lock that stays held).
 */
import { ConnectionError } from '../db/client.js';
import { DbActionError } from '../errors.js';

/** A problem of the options or of the target's configuration, found before any migration ran. */
export class ApplyConfigurationError extends DbActionError {}

/** Whether `e` is a usage/configuration error (exit 2) rather than a failed check or migration (exit 1). */
export function isConfigurationError(e: unknown): boolean {
  return e instanceof ApplyConfigurationError || e instanceof ConnectionError;
}
