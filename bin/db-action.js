#!/usr/bin/env node
// The `db-action` command: runs the self-contained CLI bundle built by `npm run build` (dist/cli/index.js).
import '../dist/cli/index.js';
