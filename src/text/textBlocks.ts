// Cuts huge inputs into blocks so chunk planning streams with flat memory. Inputs up to MAX_BLOCK chars
// are one block, i.e. the official algorithm runs on the whole text unchanged. Longer inputs are cut after
// a sentence end (else after whitespace, else hard) so per-block planning rarely differs from official.

export const MAX_BLOCK = 4096;
const MIN_BLOCK = 2048;
const SENTENCE_END = /[.!?。！？…]['"”’)\]»]*\s+/g;
const WHITESPACE = /\s+/g;

export function* textBlocks(text: string, maxBlock = MAX_BLOCK): Generator<[number, number]> {
  const minBlock = Math.min(MIN_BLOCK, Math.floor(maxBlock / 2));
  let start = 0;
  while (text.length - start > maxBlock) {
    const end = cutPoint(text, start + minBlock, start + maxBlock);
    yield [start, end];
    start = end;
  }
  if (start < text.length) yield [start, text.length];
}

/** Best cut in (lo, hi]: the end of the last sentence-end-plus-whitespace, else of the last whitespace run. */
function cutPoint(text: string, lo: number, hi: number): number {
  const window = text.slice(lo, hi);
  for (const re of [SENTENCE_END, WHITESPACE]) {
    let best = -1;
    re.lastIndex = 0;
    for (let m = re.exec(window); m; m = re.exec(window)) best = m.index + m[0].length;
    if (best > 0) return lo + best;
  }
  // A 2 k-char run without whitespace: cut anyway, but never inside a surrogate pair.
  const code = text.charCodeAt(hi - 1);
  return code >= 0xd800 && code <= 0xdbff ? hi - 1 : hi;
}
