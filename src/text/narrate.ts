/**
 * The narration core: source text in, sentences to speak out, each with the exact source range it
 * came from. No `vscode` import: the extension adapts TextDocument to (text, languageId) and maps
 * offsets back to positions, the CLI calls it directly.
 */
import { blocksToSegments, type Block } from './segmentBlocks';
import { commentBlocks } from './comments';
import { commentSyntaxFor } from './commentSyntax';
import { lineAt, lineStarts } from './lines';
import { expandHtml } from './markdown/expandHtml';
import { parseMarkdown } from './markdown/parse';
import { walk } from './markdown/walk';
import { plainBlocks } from './plain';
import type { NarrateOptions, Segment } from './segment';

export type { NarrateOptions, Segment, SegmentKind } from './segment';

const MARKDOWN_IDS = new Set(['markdown']);

/**
 * One segment per sentence, in document order, non-overlapping.
 *
 * - 'markdown': structure-aware (headings, items, quotes, table cells, alt text, the visible text
 *   of HTML; front matter and definitions skipped; code and tables as the options say).
 * - other languages with `commentsOnly` and a known comment syntax: only the comments.
 * - everything else: plain text, paragraphs split at blank lines.
 */
export function narrate(source: string, opts: NarrateOptions): Segment[] {
  return blocksToSegments(blocksFor(source, opts), opts.emoji ?? 'name', opts.language);
}

/** The raw prose of each block (nothing normalised yet): what language identification looks at. */
export function* proseBlocks(source: string, opts: NarrateOptions): Generator<string> {
  for (const block of blocksFor(source, opts)) if ('text' in block) yield block.text.text;
}

function blocksFor(source: string, opts: NarrateOptions): Iterable<Block> {
  if (MARKDOWN_IDS.has(opts.languageId)) {
    const { root, bomLength } = parseMarkdown(source);
    const doc = { source, shift: bomLength };
    expandHtml(doc, root);
    return walk(doc, root, opts);
  }
  const syntax = opts.commentsOnly ? commentSyntaxFor(opts.languageId) : undefined;
  return syntax ? commentBlocks(source, syntax) : plainBlocks(source);
}

/**
 * A human-readable listing for dry runs and tests: one line per segment, "L3-L5  words spoken"
 * (1-based lines; "L3" when the segment sits on one line).
 */
export function formatSegments(source: string, segments: readonly Segment[]): string {
  const starts = lineStarts(source);
  return segments
    .map((seg) => {
      const first = lineAt(starts, seg.start) + 1;
      const last = lineAt(starts, Math.max(seg.start, seg.end - 1)) + 1;
      const label = first === last ? `L${first}` : `L${first}-L${last}`;
      return `${label}  ${seg.text}`;
    })
    .join('\n');
}

/**
 * Index of the segment to start reading from at `offset` (the cursor): the segment containing it,
 * or else the first one after it; -1 when the offset is past the last segment.
 */
export function segmentAt(segments: readonly Segment[], offset: number): number {
  let lo = 0;
  let hi = segments.length;
  // First segment whose end is beyond the offset; segments are sorted and disjoint.
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (segments[mid]!.end <= offset) lo = mid + 1;
    else hi = mid;
  }
  return lo < segments.length ? lo : -1;
}
