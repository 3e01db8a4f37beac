// Maps chunk texts (decoded SentencePiece output) back to offsets in the user's original text.
// Decoded text differs from the source: NFKC (ﬁ→fi, Ａ→A), capitalised first letter (ß→SS), ';'→',',
// collapsed whitespace, an appended '.', and " ⁇ " for characters the vocabulary lacks. So we align only
// "key" characters (letters/digits, NFKD, case-folded) and tolerate source keys missing from the chunks.
// Spans then partition the block at whitespace between chunks, so every source word lands in exactly one
// span even when alignment is imperfect.
import { pyIsSpace } from './pyString';

export interface Span {
  start: number;
  end: number;
}

interface Keys {
  chars: string[];
  /** Source offsets [start, end) of the code point each key char came from. */
  starts: number[];
  ends: number[];
}

const ALNUM = /[\p{L}\p{N}]/u;
/** A far match is trusted only if the next chunk keys follow it closely; guards against phantom keys. */
const NEAR = 64;
const CONFIRM = 3;
const CONFIRM_GAP = 8;

/** Letters and digits of text[from, to), decomposed and case-folded: what survives every text edit. */
export function keysOf(text: string, from: number, to: number): Keys {
  const keys: Keys = { chars: [], starts: [], ends: [] };
  for (let i = from; i < to; ) {
    const cp = text.codePointAt(i)!;
    const len = cp > 0xffff ? 2 : 1;
    if (cp < 0x80) {
      // ASCII fast path: most text, and normalize() per character is the hot spot on 1 MB inputs.
      if ((cp >= 0x30 && cp <= 0x39) || (cp >= 0x61 && cp <= 0x7a)) push(keys, String.fromCharCode(cp), i, i + 1);
      else if (cp >= 0x41 && cp <= 0x5a) push(keys, String.fromCharCode(cp + 32), i, i + 1);
    } else {
      const folded = String.fromCodePoint(cp).normalize('NFKD').toUpperCase().toLowerCase();
      for (const ch of folded) if (ALNUM.test(ch)) push(keys, ch, i, i + len);
    }
    i += len;
  }
  return keys;
}

function push(keys: Keys, ch: string, start: number, end: number): void {
  keys.chars.push(ch);
  keys.starts.push(start);
  keys.ends.push(end);
}

function isSpaceAt(text: string, i: number): boolean {
  const ch = text[i]!;
  return pyIsSpace(ch) || /\s/.test(ch);
}

/** Spans in `source` for `chunks`, which together speak source[blockStart, blockEnd). */
export function mapSpans(source: string, blockStart: number, blockEnd: number, chunks: readonly string[]): Span[] {
  const src = keysOf(source, blockStart, blockEnd);
  const chunkKeys = chunks.map((c) => keysOf(c, 0, c.length).chars);
  const flat = chunkKeys.flat();

  // Greedy in-order alignment of every chunk key to a source key.
  const first: (number | undefined)[] = [];
  const last: (number | undefined)[] = [];
  let cursor = 0;
  let k = 0;
  for (let c = 0; c < chunkKeys.length; c++) {
    for (let n = 0; n < chunkKeys[c]!.length; n++, k++) {
      const j = findKey(src.chars, flat, k, cursor);
      if (j === undefined) continue;
      first[c] ??= src.starts[j];
      last[c] = src.ends[j];
      cursor = j + 1;
    }
  }

  // Cut between chunk c and c+1: after the last whitespace between c's last key and c+1's first key.
  const cuts = [blockStart];
  let lastEnd = blockStart;
  for (let c = 0; c < chunks.length - 1; c++) {
    lastEnd = last[c] ?? lastEnd;
    let nextStart = blockEnd;
    for (let d = c + 1; d < chunks.length; d++) {
      if (first[d] !== undefined) {
        nextStart = first[d]!;
        break;
      }
    }
    const prev = cuts[cuts.length - 1]!;
    let cut = Math.max(nextStart, prev);
    for (let i = nextStart - 1; i >= lastEnd && i >= prev; i--) {
      if (isSpaceAt(source, i)) {
        cut = i + 1;
        break;
      }
    }
    cuts.push(Math.min(Math.max(cut, prev), blockEnd));
  }
  cuts.push(blockEnd);

  return chunks.map((_, c) => trim(source, cuts[c]!, cuts[c + 1]!));
}

function findKey(src: readonly string[], flat: readonly string[], k: number, cursor: number): number | undefined {
  const ch = flat[k]!;
  for (let j = cursor; j < src.length; j++) {
    if (src[j] !== ch) continue;
    if (j - cursor <= NEAR || confirms(src, flat, k, j)) return j;
    return undefined; // far and unconfirmed: this chunk key has no source counterpart (normaliser artefact)
  }
  return undefined;
}

function confirms(src: readonly string[], flat: readonly string[], k: number, j: number): boolean {
  let at = j;
  for (let n = 1; n <= CONFIRM && k + n < flat.length; n++) {
    let found = -1;
    for (let x = at + 1; x < src.length && x <= at + CONFIRM_GAP; x++) {
      if (src[x] === flat[k + n]) {
        found = x;
        break;
      }
    }
    if (found < 0) return false;
    at = found;
  }
  return true;
}

function trim(source: string, start: number, end: number): Span {
  while (start < end && isSpaceAt(source, start)) start++;
  while (end > start && isSpaceAt(source, end - 1)) end--;
  return { start, end };
}
