/**
 * Byte offsets (what libpg-query reports) to file lines and text. A line ends at `\n`, `\r\n` or a lone
 * `\r` (the same rule as the directory model's dbmate sections and as editors); a `\r` before `\n` stays
 * part of the line's text.
 */
export class SourceText {
  private readonly bytes: Buffer;
  /** Byte offset at which each line (index 0 = first line of the input) starts. */
  private readonly lineStarts: number[];

  readonly sql: string;
  /** 1-based file line of the input's first line. */
  private readonly firstLine: number;

  constructor(sql: string, firstLine: number) {
    this.sql = sql;
    this.firstLine = firstLine;
    this.bytes = Buffer.from(sql, 'utf8');
    this.lineStarts = [0];
    const b = this.bytes;
    for (let i = 0; i < b.length; i++) {
      if (b[i] === 10 || (b[i] === 13 && b[i + 1] !== 10)) this.lineStarts.push(i + 1);
    }
  }

  get byteLength(): number {
    return this.bytes.length;
  }

  /** Text between two byte offsets (both on character boundaries, as token offsets are). */
  slice(start: number, end: number): string {
    return this.bytes.toString('utf8', start, end);
  }

  /** 1-based FILE line of the byte at `offset`. */
  lineAt(offset: number): number {
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.lineStarts[mid] ?? 0) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + this.firstLine;
  }

  /** 1-based line and column (in characters) of a 0-based code point offset, e.g. PostgreSQL's cursorpos. */
  positionOfCodePoint(codePoints: number): { line: number; column: number } {
    let byte = 0;
    let seen = 0;
    for (const ch of this.sql) {
      if (seen === codePoints) break;
      byte += Buffer.byteLength(ch, 'utf8');
      seen++;
    }
    const line = this.lineAt(byte);
    const lineStart = this.lineStarts[line - this.firstLine] ?? 0;
    const column = [...this.slice(lineStart, byte)].length + 1;
    return { line, column };
  }
}
