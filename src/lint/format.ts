/** Small formatting helpers shared by the lint engine's modules. */

/** Milliseconds rounded to 0.1. */
export function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}

/** PostgreSQL's message with its SQLSTATE. */
export function pgMessage(message: string, code?: string): string {
  return code ? `${message} (SQLSTATE ${code})` : message;
}

/** First 200 characters of a statement. */
export function sqlPreview(text: string): string {
  return text.length > 200 ? text.slice(0, 200) : text;
}
