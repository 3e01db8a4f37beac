/** Checks made before reading or saving a document: binary content and sizes worth asking about. */

/** Above this many UTF-16 code units (~2 MB of text) the user is asked before narration starts. */
export const HUGE_TEXT_CHARS = 2_000_000;

/** NUL never occurs in text files; a decoded binary file is full of them. Only the first 64 K are scanned. */
export function looksBinary(text: string): boolean {
  return text.slice(0, 65536).includes('\0');
}

export function isHuge(text: string): boolean {
  return text.length > HUGE_TEXT_CHARS;
}
