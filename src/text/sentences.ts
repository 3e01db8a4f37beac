import type { LanguageCode } from './language/codes';
import { RULES } from './language/rules';
import type { MappedText } from './mappedText';
import type { MappedString } from './mappedString';

/** A sentence of not-yet-normalised text with its source range, and the source range of each of its units. */
export interface Span extends MappedString {
  start: number;
  end: number;
}

/**
 * A sentence segmenter for the document's locale, and the language's abbreviations that end in "." but rarely end a
 * sentence: Intl.Segmenter breaks after them when a capital follows ("e.g. Prettier", "z. B. Prettier"), so such
 * breaks are undone.
 */
interface Splitter {
  segmenter: Intl.Segmenter;
  noBreakAfter: RegExp;
}

const splitters = new Map<LanguageCode, Splitter>();

function splitterFor(lang: LanguageCode): Splitter {
  let s = splitters.get(lang);
  if (!s) {
    const r = RULES[lang];
    s = {
      segmenter: new Intl.Segmenter(r.locale, { granularity: 'sentence' }),
      noBreakAfter: new RegExp(`(?:^|[\\s(\\[])(?:${r.noBreakAfter.join('|')})\\.$`, 'iu'),
    };
    splitters.set(lang, s);
  }
  return s;
}

/** Characters after which UAX #29 may end a sentence (its STerm and ATerm classes). */
const MAYBE_SENTENCE_END = /[\p{Sentence_Terminal}.\u2024\uFE52\uFF0E]/u;

/** A sentence worth speaking has at least one letter or digit. */
const SPEAKABLE = /[\p{L}\p{N}]/u;

/** Splits one block of text into sentences; whitespace (including line breaks) is collapsed. */
export function splitSentences(m: MappedText, lang: LanguageCode = 'en'): Span[] {
  // Same length as m.text, so indices stay valid for m.starts / m.ends. Line breaks must go:
  // the segmenter treats "\n" as a sentence end, but in prose it is only a soft wrap.
  const flat = m.text.replace(/\s/g, ' ');
  const spans: Span[] = [];
  let from = 0;
  for (const to of [...m.breaks, flat.length]) {
    spans.push(...splitLine(m, flat, from, to, splitterFor(lang)));
    from = to;
  }
  return spans;
}

/** The sentences of flat[start, end), a stretch without hard line breaks. */
function splitLine(m: MappedText, flat: string, start: number, end: number, { segmenter, noBreakAfter }: Splitter): Span[] {
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
    // The whole pending span is tested: "z. B." is two segments ("z. ", "B. ").
    if (to < end && noBreakAfter.test(flat.slice(from, to).trimEnd())) continue;
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
