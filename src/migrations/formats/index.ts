import type { DirFormat } from '../types.js';
import { dbmateLoader } from './dbmate.js';
import { dieselLoader } from './diesel.js';
import { flywayLoader } from './flyway.js';
import { golangMigrateLoader } from './golang-migrate.js';
import { atlasLoader, plainLoader } from './plain.js';
import { prismaLoader } from './prisma.js';
import { sqlxLoader } from './sqlx.js';
import type { FormatLoader } from './types.js';

/** One loader per supported format. */
export const FORMAT_LOADERS: Readonly<Record<DirFormat, FormatLoader>> = {
  plain: plainLoader,
  atlas: atlasLoader,
  'golang-migrate': golangMigrateLoader,
  sqlx: sqlxLoader,
  flyway: flywayLoader,
  dbmate: dbmateLoader,
  prisma: prismaLoader,
  diesel: dieselLoader,
};
