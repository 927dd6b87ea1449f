/**
 * The directory model: what a migration directory holds, in the order its tool applies it.
 * Data flows directory -> statements -> replay -> findings; this is the first step.
 */
export { loadMigrationDirectory } from './load.js';
export { detectFormat, FORMAT_OVERRIDE_HINT } from './detect.js';
export { checksumOf } from './checksum.js';
export { compareVersions } from './versions.js';
export { verifyAtlasSum, verifyAtlasSumContent, ATLAS_SUM_FILE } from './atlas-sum.js';
export type { AtlasSumInput } from './atlas-sum.js';
export { DIR_FORMATS } from './types.js';
export type {
  AtlasSumResult,
  DirFormat,
  LoadDirectoryOptions,
  MigrationDirectory,
  MigrationFile,
  TransactionMode,
} from './types.js';
