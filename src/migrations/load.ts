import { DbActionError } from '../errors.js';
import { ATLAS_SUM_FILE, verifyAtlasSumContent } from './atlas-sum.js';
import { checksumOf } from './checksum.js';
import { detectFormatIn } from './detect.js';
import { FORMAT_LOADERS } from './formats/index.js';
import type { FormatLoader, MigrationCandidate } from './formats/types.js';
import { DirSnapshot } from './snapshot.js';
import {
  DIR_FORMATS,
  type DirFormat,
  type LoadDirectoryOptions,
  type MigrationDirectory,
  type MigrationFile,
} from './types.js';
import { compareVersions } from './versions.js';

/**
 * Reads a migration directory: detects (or takes) its format, finds its migrations in the order the
 * format's tool applies them, reads each file as strict UTF-8 and checksums it, and verifies atlas.sum
 * when present. Every user-fixable problem (missing dir, unknown or mixed layout, misnamed `.sql` file,
 * duplicate version, unreadable or non-UTF-8 file) is a `DbActionError` naming the file.
 */
export async function loadMigrationDirectory(
  dir: string,
  options: LoadDirectoryOptions = {},
): Promise<MigrationDirectory> {
  const snap = await DirSnapshot.open(dir, options.ignore);
  const format =
    options.format === undefined || options.format === 'auto'
      ? await detectFormatIn(snap)
      : checkedFormat(options.format);
  const loader = FORMAT_LOADERS[format];

  const candidates = await loader.collect(snap);
  rejectDuplicates(format, candidates, snap);
  candidates.sort((a, b) => loader.order(a, b));
  const migrations = await Promise.all(candidates.map((c) => readMigration(snap, loader, c)));

  let atlasSum: MigrationDirectory['atlasSum'];
  if (await snap.hasFile('', ATLAS_SUM_FILE)) {
    const sumText = (await snap.read(ATLAS_SUM_FILE)).text;
    const covered = await Promise.all(
      migrations.map(async (m) => ({ name: m.relPath, bytes: (await snap.read(m.relPath)).bytes })),
    );
    atlasSum = verifyAtlasSumContent(sumText, covered);
  }
  return { dir: snap.absDir, format, migrations, ...(atlasSum ? { atlasSum } : {}) };
}

function checkedFormat(format: string): DirFormat {
  if ((DIR_FORMATS as readonly string[]).includes(format)) return format as DirFormat;
  throw new DbActionError(`unknown migration directory format "${format}"`, {
    hint: `use auto or one of: ${DIR_FORMATS.join(', ')}`,
  });
}

async function readMigration(snap: DirSnapshot, loader: FormatLoader, c: MigrationCandidate): Promise<MigrationFile> {
  const { text } = await snap.read(c.relPath);
  const up = loader.upSection?.(text, c, snap.display(c.relPath)) ?? {
    upSql: text,
    upStartLine: 1,
    transaction: 'auto',
  };
  return {
    version: c.version,
    name: c.name,
    relPath: c.relPath,
    absPath: snap.abs(c.relPath),
    content: text,
    upSql: up.upSql,
    upStartLine: up.upStartLine,
    checksum: checksumOf(text),
    transaction: c.transaction === 'none' || up.transaction === 'none' ? 'none' : 'auto',
    repeatable: c.repeatable,
  };
}

/** Two migrations the tool would record under the same version (or, for repeatables, description). */
function rejectDuplicates(format: DirFormat, candidates: readonly MigrationCandidate[], snap: DirSnapshot): void {
  const versioned = candidates
    .filter((c) => !c.repeatable)
    .sort((a, b) => compareVersions(format, a.version, b.version));
  for (let i = 1; i < versioned.length; i++) {
    const a = versioned[i - 1]!;
    const b = versioned[i]!;
    if (compareVersions(format, a.version, b.version) === 0) {
      throw new DbActionError(`duplicate migration version ${b.version}: ${a.relPath} and ${b.relPath}`, {
        file: snap.display(b.relPath),
        hint: 'give one of them a new, later version (each version must be unique)',
      });
    }
  }
  const seen = new Map<string, string>();
  for (const c of candidates.filter((x) => x.repeatable)) {
    const key = c.name.replace(/_/g, ' ');
    const other = seen.get(key);
    if (other) {
      throw new DbActionError(`duplicate repeatable migration "${c.name}": ${other} and ${c.relPath}`, {
        file: snap.display(c.relPath),
        hint: 'each repeatable migration needs a unique description',
      });
    }
    seen.set(key, c.relPath);
  }
}
