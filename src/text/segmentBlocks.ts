import { speakEmoji } from './emoji/speakEmoji';
import type { LanguageCode } from './language/codes';
import type { MappedText } from './mappedText';
import { prefixMapped } from './mappedString';
import { normalizeMapped } from './normalize';
import { PAUSE_MS } from './pauses';
import type { NarrateOptions, Segment, SegmentKind } from './segment';
import { splitSentences } from './sentences';

/**
 * A unit of text that reads as a whole (a paragraph, a list item's paragraph, a table cell, a
 * comment). Readers (Markdown, plain text, comments) produce blocks; blocks become sentences here.
 */
type Announcement = 'codeAnnouncement' | 'tableAnnouncement';

export type Block =
  /** `prefix`: fixed words said before the block's first sentence, e.g. "Heading." */
  | { kind: Exclude<SegmentKind, Announcement>; text: MappedText; pauseAfterMs: number; prefix?: string | undefined }
  /** Fixed words (not from the source) standing for a source range, e.g. "Code block skipped." */
  | { kind: Announcement; words: string; start: number; end: number; pauseAfterMs: number }
  /** Lengthens the pause before whatever comes next (a thematic break). */
  | { kind: 'break'; pauseMs: number };

export type TextBlock = Extract<Block, { text: MappedText }>;

export function blocksToSegments(blocks: Iterable<Block>, emoji: NonNullable<NarrateOptions['emoji']>, lang: LanguageCode = 'en'): Segment[] {
  const out: Segment[] = [];
  for (const block of blocks) {
    if (block.kind === 'break') {
      const last = out[out.length - 1];
      if (last) last.pauseAfterMs += block.pauseMs;
      continue;
    }
    if ('words' in block) {
      const { words: text, start, end, kind, pauseAfterMs } = block;
      push(out, { text, start, end, kind, pauseAfterMs, sourceMap: { starts: new Int32Array(text.length).fill(start), ends: new Int32Array(text.length).fill(end) } });
      continue;
    }
    const before = out.length;
    for (const span of splitSentences(block.text, lang)) {
      const words = normalizeMapped(speakEmoji(span, emoji, lang), lang);
      if (!/[\p{L}\p{N}]/u.test(words.text)) continue;
      // "Heading." stands for the whole heading.
      const spoken = block.prefix && out.length === before ? prefixMapped(block.prefix, words, span.start, span.end) : words;
      const sourceMap = { starts: Int32Array.from(spoken.starts), ends: Int32Array.from(spoken.ends) };
      push(out, { text: spoken.text, start: span.start, end: span.end, kind: block.kind, pauseAfterMs: PAUSE_MS.sentence, sourceMap });
    }
    // The block's pause goes after its last spoken sentence (even when a trailing span was unspeakable).
    const last = out[out.length - 1];
    if (last && out.length > before) last.pauseAfterMs = block.pauseAfterMs;
  }
  return out;
}

/**
 * Keeps segments ordered and non-overlapping, which highlighting and segmentAt rely on. Overlap can
 * only come from replaced text mapped to one range (a sentence end inside inline code); such a
 * sentence is folded into the previous one.
 */
function push(out: Segment[], seg: Segment): void {
  const prev = out[out.length - 1];
  if (prev && seg.start < prev.end) {
    // The joining space maps to the end of the previous sentence.
    const join = (a: Int32Array, b: Int32Array) => Int32Array.from([...a, a[a.length - 1] ?? seg.start, ...b]);
    prev.sourceMap = { starts: join(prev.sourceMap.starts, seg.sourceMap.starts), ends: join(prev.sourceMap.ends, seg.sourceMap.ends) };
    prev.text = `${prev.text} ${seg.text}`;
    prev.end = Math.max(prev.end, seg.end);
    return;
  }
  out.push(seg);
}
