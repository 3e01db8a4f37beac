/**
 * An HTML string assembled from the raw values of mdast `html` nodes (plus placeholders), with a way back
 * from any offset in it to the document source. A node's value is its source slice, except inside block
 * quotes and list items where the container prefixes ("> ", indentation) are left out; those values are
 * aligned onto their slice so offsets stay exact there too.
 */
export class HtmlText {
  private value = '';
  /** Pieces in order of `at`; placeholders have no source and are never asked about. */
  private readonly pieces: { at: number; toSource: (i: number) => number }[] = [];

  get html(): string {
    return this.value;
  }

  /** Appends the raw value of a node found at source[start, end). */
  appendSource(value: string, source: string, start: number, end: number): void {
    const toSource = source.slice(start, end) === value ? (i: number) => start + i : aligned(value, source, start, end);
    this.pieces.push({ at: this.value.length, toSource });
    this.value += value;
  }

  /** Appends markup of our own (a placeholder for a Markdown node). */
  appendPlaceholder(markup: string): void {
    this.value += markup;
  }

  /** The source range of html[start, end). */
  sourceRange(start: number, end: number): [number, number] {
    const s = this.toSource(start);
    return [s, Math.max(s, this.toSource(Math.max(start, end - 1)) + 1)];
  }

  private toSource(offset: number): number {
    let lo = 0;
    let hi = this.pieces.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.pieces[mid]!.at <= offset) lo = mid;
      else hi = mid - 1;
    }
    const piece = this.pieces[lo]!;
    return piece.toSource(offset - piece.at);
  }
}

/** `value` is `source[start, end)` with some units left out: map each value unit to its source unit, in order. */
function aligned(value: string, source: string, start: number, end: number): (i: number) => number {
  const map = new Int32Array(value.length);
  let j = start;
  for (let i = 0; i < value.length; i++) {
    let k = j;
    while (k < end && source.charCodeAt(k) !== value.charCodeAt(i)) k++;
    // A unit the source lacks (a tab expanded to spaces) stays where the previous one ended.
    if (k < end) j = k + 1;
    map[i] = k < end ? k : Math.max(start, Math.min(j, end - 1));
  }
  return (i) => map[Math.min(i, value.length - 1)]!;
}
