import type { LanguageCode } from './language/codes';
import { sourceOf } from './mappedString';

/** What a segment was read from; lets the player choose pauses and the UI choose decorations. */
export type SegmentKind =
  | 'heading'
  | 'paragraph'
  | 'listItem'
  | 'quote'
  | 'tableCell'
  | 'imageAlt'
  | 'codeAnnouncement'
  | 'codeLine'
  | 'tableAnnouncement'
  | 'plain'
  | 'comment';

/** One sentence to speak. */
export interface Segment {
  /** The words to speak, already normalised ("3.5" → "three point five"). */
  text: string;
  /** UTF-16 offset into the source of the first character the words came from. */
  start: number;
  /** Exclusive UTF-16 end offset; `source.slice(start, end)` is the range to highlight. */
  end: number;
  kind: SegmentKind;
  /** Extra silence after this segment (sentence, item, paragraph or heading break). */
  pauseAfterMs: number;
  /** Per UTF-16 unit of `text`: the source range it was spoken from (words highlight there). */
  sourceMap: SourceMap;
}

export interface SourceMap {
  starts: Int32Array;
  ends: Int32Array;
}

export interface NarrateOptions {
  /** VS Code language id: 'markdown' gets the Markdown reader, everything else plain text or comments. */
  languageId: string;
  /**
   * Markdown code blocks: 'skip' silently, 'announce' with a "Code block skipped." segment, or 'read' line by
   * line with identifiers spoken as words.
   */
  codeBlocks: 'skip' | 'announce' | 'read';
  /** Markdown tables: 'read' cell by cell (default), 'skip' silently, or 'announce' with "Table skipped.". */
  tables?: 'read' | 'skip' | 'announce';
  /** Say "Heading." before each Markdown heading (default off). */
  announceHeadings?: boolean;
  /** Emoji that stand for a word: read by their name (default) or skipped; decorative emoji are never read. */
  emoji?: 'name' | 'skip';
  /** For code files: read only the comments. Ignored for languages without a known comment syntax. */
  commentsOnly?: boolean;
  /** The natural language read (numbers, abbreviations, sentence ends); default English. */
  language?: LanguageCode;
}

/** Where units [start, end) of a segment's text were spoken from (the segment's start when nothing maps). */
export function sourceRange(seg: Segment, start: number, end: number): { start: number; end: number } {
  return sourceOf(seg.sourceMap.starts, seg.sourceMap.ends, start, end, seg.start);
}

/** The segment of a text slice moved to where the slice starts in its document. */
export function shiftSegment(seg: Segment, delta: number): Segment {
  const shift = (a: Int32Array) => a.map((x) => x + delta);
  return { ...seg, start: seg.start + delta, end: seg.end + delta, sourceMap: { starts: shift(seg.sourceMap.starts), ends: shift(seg.sourceMap.ends) } };
}
