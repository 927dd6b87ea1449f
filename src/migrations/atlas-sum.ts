import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { DbActionError } from '../errors.js';
import { compareBytes } from './snapshot.js';
import type { AtlasSumResult } from './types.js';

/** Atlas's integrity file in a migration directory. */
export const ATLAS_SUM_FILE = 'atlas.sum';

/** A file covered by atlas.sum: its name in the directory and its exact bytes. */
export interface AtlasSumInput {
  readonly name: string;
  readonly bytes: Uint8Array;
}

/** One line of atlas.sum after the first: `<name> h1:<hash>`. */
interface SumEntry {
  readonly name: string;
  readonly hash: string;
}

/**
 * Verifies `<dir>/atlas.sum` against `files` (names relative to `dir`, e.g. the `*.up.sql` files of a
 * golang-migrate layout or every `*.sql` of Atlas's own), reading their bytes from disk. See
 * {@link verifyAtlasSumContent} for the algorithm.
 */
export async function verifyAtlasSum(dir: string, files: readonly string[]): Promise<AtlasSumResult> {
  const sumPath = path.join(dir, ATLAS_SUM_FILE);
  let sumText: string;
  try {
    sumText = await readFile(sumPath, 'utf8');
  } catch (e) {
    throw new DbActionError(`cannot read ${ATLAS_SUM_FILE} (${(e as NodeJS.ErrnoException).code ?? 'error'})`, {
      file: sumPath,
      cause: e,
    });
  }
  const inputs: AtlasSumInput[] = [];
  for (const name of files) {
    try {
      inputs.push({ name, bytes: await readFile(path.join(dir, ...name.split('/'))) });
    } catch (e) {
      throw new DbActionError(`cannot read migration file (${(e as NodeJS.ErrnoException).code ?? 'error'})`, {
        file: path.join(dir, name),
        cause: e,
      });
    }
  }
  return verifyAtlasSumContent(sumText, inputs);
}

/**
 * Checks atlas.sum the way Atlas computes it (ariga/atlas `sql/migrate/dir.go`, `NewHashFile` / `HashFile.Sum`):
 * files in name order (bytes); one running SHA-256 is fed each file's name and then its bytes, and the
 * file's line holds the base64 digest of that running hash so far (so an edit changes its line and every
 * later one); a file whose first line carries `atlas:sum ignore` adds only its name and gets no line.
 * The first line `h1:<base64>` is SHA-256 over every entry's name and hash text.
 */
export function verifyAtlasSumContent(sumText: string, files: readonly AtlasSumInput[]): AtlasSumResult {
  const problems: string[] = [];
  const parsed = parseSumFile(sumText, problems);
  const expected = computeEntries(files);

  if (parsed && sumOfEntries(parsed.entries) !== parsed.sum) {
    problems.push(
      `${ATLAS_SUM_FILE}: the first line (h1:…) does not match the entries below it; the file was edited by hand or merged badly (run \`atlas migrate hash\`)`,
    );
  }
  const listed = parsed?.entries ?? [];
  const listedNames = new Set(listed.map((e) => e.name));
  const expectedNames = new Set(expected.map((e) => e.name));
  for (const e of expected) {
    if (!listedNames.has(e.name))
      problems.push(`${ATLAS_SUM_FILE}: ${e.name} is not listed (run \`atlas migrate hash\`)`);
  }
  for (const e of listed) {
    if (!expectedNames.has(e.name)) problems.push(`${ATLAS_SUM_FILE}: ${e.name} is listed but not in the directory`);
  }
  // Hashes are cumulative: the first differing entry (in the directory's order) is the edited file;
  // every later entry differs as a consequence and is not reported separately.
  if (parsed && problems.length === 0) {
    for (let i = 0; i < expected.length; i++) {
      const want = listed[i];
      const got = expected[i]!;
      if (!want || want.name !== got.name) {
        problems.push(`${ATLAS_SUM_FILE}: entries are out of order at ${got.name} (run \`atlas migrate hash\`)`);
        break;
      }
      if (want.hash !== got.hash) {
        problems.push(
          `${ATLAS_SUM_FILE}: checksum mismatch for ${got.name} (the file changed after atlas.sum was written; run \`atlas migrate hash\` if the change is intended)`,
        );
        break;
      }
    }
  }
  return { ok: problems.length === 0, problems };
}

/** The entries Atlas would write for `files`. */
function computeEntries(files: readonly AtlasSumInput[]): SumEntry[] {
  const sorted = [...files].sort((a, b) => compareBytes(a.name, b.name));
  const running = createHash('sha256');
  const entries: SumEntry[] = [];
  for (const f of sorted) {
    running.update(f.name, 'utf8');
    if (hasSumIgnoreDirective(f.bytes)) continue;
    running.update(f.bytes);
    entries.push({ name: f.name, hash: running.copy().digest('base64') });
  }
  return entries;
}

/** Atlas `HashFile.Sum`: SHA-256 over every name and hash text, base64. */
function sumOfEntries(entries: readonly SumEntry[]): string {
  const h = createHash('sha256');
  for (const e of entries) {
    h.update(e.name, 'utf8');
    h.update(e.hash, 'utf8');
  }
  return h.digest('base64');
}

/**
 * Atlas's `directive(content, "sum")`: the regexp `^([ -~]*)atlas:(\w+)(?: +([ -~]*))*` at the start of
 * the file, name `sum`, argument `ignore`.
 */
function hasSumIgnoreDirective(bytes: Uint8Array): boolean {
  const head = Buffer.from(bytes.subarray(0, 4096)).toString('latin1');
  // Same semantics in JS and Go (leftmost-first, greedy): the last `atlas:` on the first line, its argument.
  const m = /^([ -~]*)atlas:(\w+)(?: +([ -~]*))*/.exec(head);
  return m?.[2] === 'sum' && m[3] === 'ignore';
}

/** Atlas `HashFile.UnmarshalText`: first line `h1:<sum>`, then `<name> h1:<hash>` lines. */
function parseSumFile(text: string, problems: string[]): { sum: string; entries: SumEntry[] } | undefined {
  const lines = text.split('\n').map((l) => l.replace(/\r$/, ''));
  if (lines[lines.length - 1] === '') lines.pop();
  const first = lines[0] ?? '';
  if (!first.startsWith('h1:')) {
    problems.push(`${ATLAS_SUM_FILE}: invalid format: the first line must be h1:<sum>`);
    return undefined;
  }
  const entries: SumEntry[] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    const at = line.indexOf('h1:');
    if (at < 0) {
      problems.push(`${ATLAS_SUM_FILE}: invalid format at line ${i + 1}`);
      return undefined;
    }
    entries.push({ name: line.slice(0, at).trim(), hash: line.slice(at + 3) });
  }
  return { sum: first.slice(3), entries };
}
