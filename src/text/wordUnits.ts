// The units word timing aligns against, after dpm63/pocket-tts-timestamped (timestamps/text.py): the words of a chunk
// (letters and digits with their combining marks, joined by - ' inside: "re-read", "don't", "café") and runs of
// punctuation as non-word units. Units come from the chunk text the model reads; each word points back to its range
// in the request text (what the caller sent), so a highlight or caption lands on the word as written.
import type { TextSpan } from '../shared/protocol';
import { keysOf } from './spanMap';

export interface WordUnit {
  /** UTF-16 range in the chunk text. */
  chunkStart: number;
  chunkEnd: number;
  isWord: boolean;
  /** Punctuation the request does not have after the chunk's last word (the period text preparation appends). */
  synthetic: boolean;
  /** Words: UTF-16 range in the request text (empty when the word could not be found there). */
  sourceStart: number;
  sourceEnd: number;
}

const WORD_CHAR = /[\p{L}\p{N}]/u;
const MARK = /\p{M}/u;
const PUNCT = /\p{P}/u;
const CONTINUATION = new Set(['-', '\u2010', '\u2011', "'", '\u2019']);

function cpAt(text: string, i: number): string {
  return String.fromCodePoint(text.codePointAt(i)!);
}

/** The fork's comparison form of a word: NFKC, case-folded, curly apostrophe and Unicode hyphens made ASCII. */
function foldWord(text: string): string {
  const folded = text.normalize('NFKC').toUpperCase().toLowerCase().replace(/\u2019/g, "'").replace(/[\u2010\u2011]/g, '-');
  return folded.replace(/[^\p{L}\p{N}'-]/gu, '');
}

/** Word spans of `text` within [from, to). */
export function lexicalSpans(text: string, from = 0, to = text.length): TextSpan[] {
  const spans: TextSpan[] = [];
  let i = from;
  while (i < to) {
    const c = cpAt(text, i);
    if (!WORD_CHAR.test(c)) {
      i += c.length;
      continue;
    }
    const start = i;
    for (;;) {
      while (i < to) {
        const d = cpAt(text, i);
        if (!WORD_CHAR.test(d) && !MARK.test(d)) break;
        i += d.length;
      }
      if (i + 1 < to && CONTINUATION.has(text[i]!) && WORD_CHAR.test(cpAt(text, i + 1))) {
        i++;
        continue;
      }
      break;
    }
    if (foldWord(text.slice(start, i))) spans.push({ start, end: i });
  }
  return spans;
}

/** Maximal runs of punctuation not inside a word. */
function punctuationSpans(text: string, words: readonly TextSpan[]): TextSpan[] {
  const covered = new Uint8Array(text.length);
  for (const w of words) covered.fill(1, w.start, w.end);
  const spans: TextSpan[] = [];
  for (let i = 0; i < text.length; ) {
    const c = cpAt(text, i);
    if (covered[i] || !PUNCT.test(c)) {
      i += c.length;
      continue;
    }
    const start = i;
    while (i < text.length && !covered[i] && PUNCT.test(cpAt(text, i))) i += cpAt(text, i).length;
    spans.push({ start, end: i });
  }
  return spans;
}

/**
 * The units of `chunkText`, which speaks request[span.start, span.end). Words pair with the request's words in order
 * when both sides have the same words (the usual case: text preparation only capitalises, appends a period and
 * normalises); otherwise each word is found by its letters and digits, as the chunk planner finds chunk spans.
 */
export function wordUnits(chunkText: string, request: string, span: TextSpan): WordUnit[] {
  const words = lexicalSpans(chunkText);
  const sources = sourceRanges(chunkText, words, request, span);
  const units: WordUnit[] = words.map((w, i) => ({
    chunkStart: w.start,
    chunkEnd: w.end,
    isWord: true,
    synthetic: false,
    sourceStart: sources[i]!.start,
    sourceEnd: sources[i]!.end,
  }));
  const lastWord = units[units.length - 1];
  for (const p of punctuationSpans(chunkText, words)) {
    const synthetic = !!lastWord && p.start >= lastWord.chunkEnd && !punctuationAfter(request, lastWord.sourceEnd);
    units.push({ chunkStart: p.start, chunkEnd: p.end, isWord: false, synthetic, sourceStart: -1, sourceEnd: -1 });
  }
  return units.sort((a, b) => a.chunkStart - b.chunkStart || a.chunkEnd - b.chunkEnd);
}

/** Whether the request has punctuation between `from` and its next word (or its end). */
function punctuationAfter(request: string, from: number): boolean {
  for (let i = from; i < request.length; ) {
    const c = cpAt(request, i);
    if (WORD_CHAR.test(c)) return false;
    if (PUNCT.test(c)) return true;
    i += c.length;
  }
  return false;
}

function sourceRanges(chunkText: string, words: readonly TextSpan[], request: string, span: TextSpan): TextSpan[] {
  const candidates = lexicalSpans(request, span.start, span.end);
  const same =
    candidates.length === words.length &&
    words.every((w, i) => foldWord(chunkText.slice(w.start, w.end)) === foldWord(request.slice(candidates[i]!.start, candidates[i]!.end)));
  if (same) return candidates;
  return byKeys(chunkText, words, request, span, candidates);
}

/** How far ahead a key may be found; a word whose keys are all further away is left unmapped. */
const NEAR = 64;

/** Greedy in-order key alignment, then each word widened to the request words its keys landed in. */
function byKeys(chunkText: string, words: readonly TextSpan[], request: string, span: TextSpan, candidates: readonly TextSpan[]): TextSpan[] {
  // The chunk planner's keys: what survives every text edit between request and chunk.
  const src = keysOf(request, span.start, span.end);
  let cursor = 0;
  let previousEnd = span.start;
  return words.map((w) => {
    const own = keysOf(chunkText, w.start, w.end);
    let start = Infinity;
    let end = -Infinity;
    for (const ch of own.chars) {
      const limit = Math.min(src.chars.length, cursor + NEAR);
      for (let j = cursor; j < limit; j++) {
        if (src.chars[j] !== ch) continue;
        start = Math.min(start, src.starts[j]!);
        end = Math.max(end, src.ends[j]!);
        cursor = j + 1;
        break;
      }
    }
    if (start === Infinity) return { start: previousEnd, end: previousEnd };
    for (const c of candidates) {
      if (c.end > start && c.start < end) (start = Math.min(start, c.start), end = Math.max(end, c.end));
    }
    previousEnd = end;
    return { start, end };
  });
}
