import { readFile } from 'node:fs/promises';
import { DbActionError } from '../errors.js';
import { stripBom } from './checksum.js';

/** A migration file's raw bytes (Atlas hashes those) and its decoded text (BOM stripped). */
export interface FileText {
  readonly bytes: Uint8Array;
  readonly text: string;
}

/**
 * Reads a file as strict UTF-8. `displayPath` is what errors name (the path as the user would write it).
 * Unreadable or non-UTF-8 files are `DbActionError`s naming the file.
 */
export async function readUtf8File(absPath: string, displayPath: string): Promise<FileText> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(absPath);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new DbActionError(`cannot read migration file (${code ?? 'error'})`, {
      file: displayPath,
      hint: 'check that the file exists and is readable by this user',
      cause: e,
    });
  }
  return { bytes, text: decodeUtf8(bytes, displayPath) };
}

/** Strict UTF-8 decoding; the BOM is stripped. Invalid input is a `DbActionError` at the offending line. */
export function decodeUtf8(bytes: Uint8Array, displayPath: string): string {
  try {
    // ignoreBOM keeps the BOM in the output so that stripBom is the one place that drops it.
    return stripBom(new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes));
  } catch (e) {
    const offset = firstInvalidUtf8Byte(bytes);
    let line = 1;
    for (let i = 0; i < offset; i++) if (bytes[i] === 0x0a) line++;
    throw new DbActionError(`migration file is not valid UTF-8 (byte offset ${offset})`, {
      file: displayPath,
      line,
      hint: 're-save the file as UTF-8 (migrations are read as UTF-8)',
      cause: e,
    });
  }
}

/** Offset of the first byte that is not part of a well-formed UTF-8 sequence (WHATWG rules). */
export function firstInvalidUtf8Byte(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) need = 1;
    else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      if (b === 0xe0) lo = 0xa0;
      if (b === 0xed) hi = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      if (b === 0xf0) lo = 0x90;
      if (b === 0xf4) hi = 0x8f;
    } else return i;
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined) return i;
      if (k === 1 ? c < lo || c > hi : c < 0x80 || c > 0xbf) return i;
    }
    i += need + 1;
  }
  return bytes.length;
}
