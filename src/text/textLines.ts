import type { Block } from './segmentBlocks';
import { MappedText } from './mappedText';
import type { SegmentKind } from './segment';

/** A run of prose on one source line, e.g. a comment's text without its "//". */
export interface TextLine {
  start: number;
  end: number;
  /** Text to speak for this line when it differs from the source slice (e.g. markup removed); aligned onto it. */
  value?: string;
  /** Starts a new block: a blank line, a list bullet, a JSDoc tag, a comment not adjacent to the previous one. */
  breakBefore: boolean;
}

/**
 * Joins lines into blocks: a line break inside a block is a soft wrap, so sentences flow across
 * lines ("// This function\n// does X." is one sentence).
 */
export function linesToBlocks(source: string, lines: Iterable<TextLine>, kind: Extract<SegmentKind, 'plain' | 'comment'>, pauseAfterMs: number): Block[] {
  const blocks: Block[] = [];
  let text = new MappedText();
  const flush = () => {
    if (text.length > 0) blocks.push({ kind, text, pauseAfterMs });
    text = new MappedText();
  };
  for (const line of lines) {
    if (line.breakBefore) flush();
    const value = line.value ?? source.slice(line.start, line.end);
    if (!value.trim()) continue;
    text.appendSpace();
    text.appendAligned(value, source, line.start, line.end);
  }
  flush();
  return blocks;
}
