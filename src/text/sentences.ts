import type { MappedText } from './mappedText';
import type { MappedString } from './mappedString';

/** A sentence of not-yet-normalised text with its source range, and the source range of each of its units. */
export interface Span extends MappedString {
  start: number;
  end: number;
}

const segmenter = new Intl.Segmenter(undefined, { granularity: 'sentence' });

/**
 * Abbreviations that end in "." but rarely end a sentence. Intl.Segmenter breaks after them when a
 * capital follows ("e.g. Prettier"), so such breaks are undone. "etc." is not listed: before a
 * lowercase word the segmenter already keeps it inside, and before a capital it usually does end
 * the sentence.
 */
const NO_BREAK_AFTER = /(?:^|[\s(\[])(?:e\.g|i\.e|dr|mr|mrs|ms|prof|vs|cf|approx|fig)\.$/i;

/** Characters after which UAX #29 may end a sentence (its STerm and ATerm classes). */
const MAYBE_SENTENCE_END = /[\p{Sentence_Terminal}.\u2024\uFE52\uFF0E]/u;

/** A sentence worth speaking has at least one letter or digit. */
const SPEAKABLE = /[\p{L}\p{N}]/u;

/** Splits one block of text into sentences; whitespace (including line breaks) is collapsed. */
export function splitSentences(m: MappedText): Span[] {
  // Same length as m.text, so indices stay valid for m.starts / m.ends. Line breaks must go:
  // the segmenter treats "\n" as a sentence end, but in prose it is only a soft wrap.
  const flat = m.text.replace(/\s/g, ' ');
  const spans: Span[] = [];
  let from = 0;
  for (const to of [...m.breaks, flat.length]) {
    spans.push(...splitLine(m, flat, from, to));
    from = to;
  }
  return spans;
}

/** The sentences of flat[start, end), a stretch without hard line breaks. */
function splitLine(m: MappedText, flat: string, start: number, end: number): Span[] {
  const line = flat.slice(start, end);
  // Most blocks (headings, items, cells) have no terminator before their end: skip the segmenter.
  if (!MAYBE_SENTENCE_END.test(line.trimEnd().slice(0, -1))) {
    const span = toSpan(m, flat, start, end);
    return span ? [span] : [];
  }
  const spans: Span[] = [];
  let from = -1;
  for (const { index, segment } of segmenter.segment(line)) {
    if (from < 0) from = start + index;
    const to = start + index + segment.length;
    if (to < end && NO_BREAK_AFTER.test(segment.trimEnd())) continue;
    const span = toSpan(m, flat, from, to);
    if (span) spans.push(span);
    from = -1;
  }
  return spans;
}

function toSpan(m: MappedText, flat: string, from: number, to: number): Span | undefined {
  while (from < to && flat[from] === ' ') from++;
  while (to > from && flat[to - 1] === ' ') to--;
  const chars: string[] = [];
  const starts: number[] = [];
  const ends: number[] = [];
  for (let i = from; i < to; i++) {
    if (flat[i] === ' ' && flat[i - 1] === ' ') continue; // runs of spaces become one
    chars.push(flat[i]!);
    starts.push(m.starts[i]!);
    ends.push(m.ends[i]!);
  }
  const text = chars.join('');
  if (!SPEAKABLE.test(text)) return undefined;
  let start = Infinity;
  let end = -Infinity;
  for (let i = from; i < to; i++) {
    if (flat[i] === ' ') continue;
    start = Math.min(start, m.starts[i]!);
    end = Math.max(end, m.ends[i]!);
  }
  return { text, start, end, starts, ends };
}
