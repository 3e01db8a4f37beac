/**
 * What "Read Selection" reads when nothing is selected: the paragraph around the cursor (lines up to the nearest
 * blank lines), or just the cursor line when that line is blank-adjacent prose. Offsets are UTF-16, as in VS Code.
 */
export interface TextRange {
  start: number;
  end: number;
}

const isBlank = (line: string) => line.trim() === '';

/** The blank-line-delimited paragraph containing `offset`; null when the cursor sits on a blank line. */
export function paragraphAt(text: string, offset: number): TextRange | null {
  const at = Math.max(0, Math.min(offset, text.length));
  const lineStart = (i: number) => text.lastIndexOf('\n', i - 1) + 1;
  const lineEnd = (i: number) => {
    const n = text.indexOf('\n', i);
    return n < 0 ? text.length : n;
  };
  let start = lineStart(at);
  let end = lineEnd(at);
  if (isBlank(text.slice(start, end))) return null;
  while (start > 0) {
    const prevStart = lineStart(start - 1);
    if (isBlank(text.slice(prevStart, start - 1))) break;
    start = prevStart;
  }
  while (end < text.length) {
    const nextEnd = lineEnd(end + 1);
    if (isBlank(text.slice(end + 1, nextEnd))) break;
    end = nextEnd;
  }
  // Drop a trailing \r so the range covers text only.
  if (end > start && text[end - 1] === '\r') end--;
  return { start, end };
}
