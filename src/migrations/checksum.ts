import { createHash } from 'node:crypto';

const BOM = '\uFEFF';

/** `content` without a leading UTF-8 byte order mark. */
export function stripBom(content: string): string {
  return content.startsWith(BOM) ? content.slice(1) : content;
}

/** CRLF and lone CR turned into LF, so a checkout with `core.autocrlf` hashes like the committed file. */
export function normaliseLineEndings(content: string): string {
  return content.replace(/\r\n?/g, '\n');
}

/**
 * The checksum stored in the history table and compared on every apply: SHA-256 hex of the content
 * with the BOM stripped and CRLF/CR normalised to LF.
 */
export function checksumOf(content: string): string {
  return createHash('sha256')
    .update(normaliseLineEndings(stripBom(content)), 'utf8')
    .digest('hex');
}
