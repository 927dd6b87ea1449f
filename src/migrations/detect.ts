import { DbActionError } from '../errors.js';
import { hasDbmateUpMarker } from './formats/dbmate.js';
import { DIESEL_FILE } from './formats/diesel.js';
import { FLYWAY_REPEATABLE, FLYWAY_UNDO, FLYWAY_VERSIONED } from './formats/flyway.js';
import { PRISMA_FILE } from './formats/prisma.js';
import { SQLX_NO_TRANSACTION } from './formats/sqlx.js';
import { DirSnapshot } from './snapshot.js';
import { DIR_FORMATS, type DirFormat } from './types.js';

/** How to override detection, for messages. */
export const FORMAT_OVERRIDE_HINT = `set the format explicitly with \`dir-format\` (action input) or \`--dir-format\` (CLI); one of: ${DIR_FORMATS.join(', ')}`;

const UP_DOWN = /^\d+_.*\.(up|down)\.sql$/;
const UP = /^\d+_.*\.up\.sql$/;
const NUMBERED = /^\d+(_.*)?\.sql$/;

/** A layout seen in the directory and the file that shows it. */
interface Evidence {
  readonly format: DirFormat;
  readonly example: string;
}

/**
 * Tells a directory's format from the files actually present. Throws a `DbActionError` naming the
 * directory when it holds no migrations or mixes layouts.
 */
export async function detectFormat(dir: string): Promise<DirFormat> {
  return detectFormatIn(await DirSnapshot.open(dir));
}

export async function detectFormatIn(snap: DirSnapshot): Promise<DirFormat> {
  const files = await snap.files();
  const evidence: Evidence[] = [];

  const prismaDirs: string[] = [];
  const dieselDirs: string[] = [];
  for (const dir of await snap.dirs()) {
    if (await snap.hasFile(dir, PRISMA_FILE)) prismaDirs.push(dir);
    if (await snap.hasFile(dir, DIESEL_FILE)) dieselDirs.push(dir);
  }
  if (prismaDirs.length > 0) evidence.push({ format: 'prisma', example: `${prismaDirs[0]}/${PRISMA_FILE}` });
  else if (files.includes('migration_lock.toml')) evidence.push({ format: 'prisma', example: 'migration_lock.toml' });
  if (dieselDirs.length > 0) evidence.push({ format: 'diesel', example: `${dieselDirs[0]}/${DIESEL_FILE}` });

  const flyway = files.find((f) => FLYWAY_VERSIONED.test(f) || FLYWAY_REPEATABLE.test(f) || FLYWAY_UNDO.test(f));
  if (flyway) evidence.push({ format: 'flyway', example: flyway });

  // Only up files show the layout: a lone `x.down.sql` beside plain files is just a rollback script.
  const upDown = files.filter((f) => UP.test(f));
  const numbered = files.filter((f) => NUMBERED.test(f) && !UP_DOWN.test(f));
  let upDownFormat: DirFormat | undefined;
  if (upDown.length > 0) {
    // golang-migrate and sqlx share this layout; only sqlx knows `-- no-transaction`.
    upDownFormat = 'golang-migrate';
    for (const f of upDown) {
      if ((await snap.read(f)).text.startsWith(SQLX_NO_TRANSACTION)) {
        upDownFormat = 'sqlx';
        break;
      }
    }
    evidence.push({ format: upDownFormat, example: upDown[0]! });
  }
  if (numbered.length > 0 && upDownFormat !== 'sqlx') {
    let format: DirFormat = files.includes('atlas.sum') ? 'atlas' : 'plain';
    for (const f of numbered) {
      if (hasDbmateUpMarker((await snap.read(f)).text)) {
        format = 'dbmate';
        break;
      }
    }
    evidence.push({ format, example: numbered[0]! });
  }
  if (evidence.length === 0 && files.includes('atlas.sum')) {
    const sql = files.find((f) => f.endsWith('.sql'));
    if (sql) evidence.push({ format: 'atlas', example: sql });
  }

  if (evidence.length === 1) return evidence[0]!.format;
  if (evidence.length === 0) {
    const sql = files.filter((f) => /\.sql$/i.test(f));
    const seen =
      sql.length > 0
        ? `; its .sql files (${sql.slice(0, 3).join(', ')}${sql.length > 3 ? ', …' : ''}) match no known layout`
        : '';
    // No `file`: the directory is named in the message (printing it twice reads badly).
    throw new DbActionError(`cannot tell the migration format of ${snap.displayDir}: no migrations found${seen}`, {
      hint: `point \`dir\` at the folder holding the migrations, or ${FORMAT_OVERRIDE_HINT}`,
    });
  }
  throw new DbActionError(
    `cannot tell the migration format of ${snap.displayDir}: it mixes layouts (${evidence.map((e) => `${e.format}: ${e.example}`).join('; ')})`,
    { hint: FORMAT_OVERRIDE_HINT },
  );
}
