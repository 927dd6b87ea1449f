import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { DbActionError } from '../errors.js';
import { readUtf8File, type FileText } from './read-text.js';

export interface DirEntry {
  readonly name: string;
  readonly kind: 'file' | 'dir' | 'other';
}

/**
 * One look at a migration directory: its entries (symlinks followed, dotfiles and ignored paths left
 * out), sub-directory listings and file texts, each read at most once. Detection and the format
 * loaders share it so that nothing is read twice.
 */
export class DirSnapshot {
  private readonly listings = new Map<string, Promise<readonly DirEntry[]>>();
  private readonly texts = new Map<string, Promise<FileText>>();

  /** Absolute path of the directory. */
  readonly absDir: string;
  /** The directory as the user named it, for messages. */
  readonly displayDir: string;
  private readonly isIgnored: (relPath: string) => boolean;

  private constructor(absDir: string, displayDir: string, isIgnored: (relPath: string) => boolean) {
    this.absDir = absDir;
    this.displayDir = displayDir;
    this.isIgnored = isIgnored;
  }

  static async open(dir: string, ignore: readonly string[] = []): Promise<DirSnapshot> {
    const absDir = path.resolve(dir);
    let info;
    try {
      info = await stat(absDir);
    } catch (e) {
      // No `file`: the path is in the message (a directory is no file:line location to annotate).
      throw new DbActionError(`migration directory not found: ${displayDirFor(dir, absDir)}`, {
        hint: 'check the `dir` input / `--dir` path (relative paths are resolved from the working directory)',
        cause: e,
      });
    }
    if (!info.isDirectory()) {
      throw new DbActionError(`migration directory is not a directory: ${displayDirFor(dir, absDir)}`, {
        hint: 'point `dir` / `--dir` at the folder that holds the migration files',
      });
    }
    return new DirSnapshot(absDir, displayDirFor(dir, absDir), ignoreMatcher(ignore));
  }

  /** Entries of `relDir` ('' = the top level), sorted by name (UTF-8 byte order). */
  list(relDir = ''): Promise<readonly DirEntry[]> {
    let listing = this.listings.get(relDir);
    if (!listing) {
      listing = this.readListing(relDir);
      this.listings.set(relDir, listing);
    }
    return listing;
  }

  /** Names of the regular files directly in `relDir`. */
  async files(relDir = ''): Promise<string[]> {
    return (await this.list(relDir)).filter((e) => e.kind === 'file').map((e) => e.name);
  }

  /** Names of the sub-directories directly in `relDir`. */
  async dirs(relDir = ''): Promise<string[]> {
    return (await this.list(relDir)).filter((e) => e.kind === 'dir').map((e) => e.name);
  }

  /** Whether `relDir` directly holds a regular file called `name`. */
  async hasFile(relDir: string, name: string): Promise<boolean> {
    return (await this.list(relDir)).some((e) => e.kind === 'file' && e.name === name);
  }

  /** The text of a file (strict UTF-8, BOM stripped) and its raw bytes. */
  read(relPath: string): Promise<FileText> {
    let text = this.texts.get(relPath);
    if (!text) {
      text = readUtf8File(this.abs(relPath), this.display(relPath));
      this.texts.set(relPath, text);
    }
    return text;
  }

  abs(relPath: string): string {
    return path.join(this.absDir, ...relPath.split('/'));
  }

  /** The path as the user would write it: the directory as given joined with `relPath`, `/`-separated. */
  display(relPath: string): string {
    const base = this.displayDir.replace(/\\/g, '/').replace(/\/+$/, '');
    return base === '' || base === '.' ? relPath : `${base}/${relPath}`;
  }

  private async readListing(relDir: string): Promise<readonly DirEntry[]> {
    const absDir = relDir === '' ? this.absDir : this.abs(relDir);
    let dirents;
    try {
      dirents = await readdir(absDir, { withFileTypes: true });
    } catch (e) {
      throw new DbActionError(`cannot list migration directory (${(e as NodeJS.ErrnoException).code ?? 'error'})`, {
        file: this.display(relDir || '.'),
        cause: e,
      });
    }
    const entries: DirEntry[] = [];
    for (const d of dirents) {
      if (d.name.startsWith('.')) continue;
      const relPath = relDir === '' ? d.name : `${relDir}/${d.name}`;
      if (this.isIgnored(relPath)) continue;
      let kind: DirEntry['kind'] = d.isFile() ? 'file' : d.isDirectory() ? 'dir' : 'other';
      if (d.isSymbolicLink()) {
        const target = await stat(path.join(absDir, d.name)).catch(() => undefined);
        kind = target?.isFile() ? 'file' : target?.isDirectory() ? 'dir' : 'other';
      }
      entries.push({ name: d.name, kind });
    }
    return entries.sort((a, b) => compareBytes(a.name, b.name));
  }
}

// eslint-disable-next-line no-control-regex
const ASCII = /^[\x00-\x7f]*$/;

/**
 * How messages name the directory: as given when relative; when absolute but inside the working
 * directory (an action's workspace, the CLI's cwd), relative to it so that `file` fields are repo-relative.
 */
function displayDirFor(dir: string, absDir: string): string {
  if (!path.isAbsolute(dir)) return dir;
  const rel = path.relative(process.cwd(), absDir);
  return rel === '' ? '.' : rel.startsWith('..') || path.isAbsolute(rel) ? dir : rel;
}

/** Byte-wise comparison of the UTF-8 encodings (Go's and the tools' string order). */
export function compareBytes(a: string, b: string): number {
  if (a === b) return 0;
  if (ASCII.test(a) && ASCII.test(b)) return a < b ? -1 : 1;
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** `ignore` entries are relative paths; `*` matches within one path segment, `**` across segments. */
function ignoreMatcher(patterns: readonly string[]): (relPath: string) => boolean {
  if (patterns.length === 0) return () => false;
  const regexes = patterns.map((p) => {
    const body = p
      .replace(/\\/g, '/')
      .replace(/^\.\//, '')
      .replace(/\/+$/, '')
      .split(/(\*\*|\*|\?)/)
      .map((part) =>
        part === '**'
          ? '.*'
          : part === '*'
            ? '[^/]*'
            : part === '?'
              ? '[^/]'
              : part.replace(/[.+^${}()|[\]\\]/g, '\\$&'),
      )
      .join('');
    return new RegExp(`^${body}$`);
  });
  return (relPath) => regexes.some((r) => r.test(relPath));
}
