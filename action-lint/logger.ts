/** A Logger that writes through @actions/core (debug lines only with ACTIONS_STEP_DEBUG). */
import * as core from '@actions/core';
import type { Logger } from '../src/logger.js';

export const actionsLogger: Logger = {
  debug: (m) => core.debug(m),
  info: (m) => core.info(m),
  warn: (m) => core.warning(m),
  error: (m) => core.error(m),
};
