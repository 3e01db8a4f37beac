// Port of pocket_tts `split_into_best_sentences` (reference §4.3), kept structurally identical so chunk
// texts and token ids match the official loop. Quirks preserved on purpose:
//  - boundary ids are `encode(".!...?")` minus its FIRST id (whatever piece that is);
//  - segment token counts come from the whole-text tokenisation, not from re-encoding the segment;
//  - oversized segments are re-encoded from `decode(...).strip()` and split on `encode(",;:")[1:]`;
//  - chunk texts are raw decoded text (only the whole text got capital + final period).
import { prepareTextPrompt } from './prepare';
import { pyStrip } from './pyString';
import type { Tokenizer } from './tokenizer';

export interface SplitOptions {
  maxTokens: number;
  padWithSpaces: boolean;
  removeSemicolons: boolean;
}

interface Segment {
  nbTokens: number;
  text: string;
}

interface BoundaryIds {
  sentence: ReadonlySet<number>;
  fallback: ReadonlySet<number>;
}

const boundaryCache = new WeakMap<Tokenizer, BoundaryIds>();

function boundaryIds(tok: Tokenizer): BoundaryIds {
  let ids = boundaryCache.get(tok);
  if (!ids) {
    ids = { sentence: new Set(tok.encode('.!...?').slice(1)), fallback: new Set(tok.encode(',;:').slice(1)) };
    boundaryCache.set(tok, ids);
  }
  return ids;
}

/** `_find_boundary_indices`: a segment starts at the first non-boundary token after a boundary run. */
function findBoundaryIndices(tokens: readonly number[], boundary: ReadonlySet<number>): number[] {
  const indices = [0];
  let previousWasBoundary = false;
  tokens.forEach((token, idx) => {
    if (boundary.has(token)) {
      previousWasBoundary = true;
    } else {
      if (previousWasBoundary) indices.push(idx);
      previousWasBoundary = false;
    }
  });
  indices.push(tokens.length);
  return indices;
}

function segmentsFromBoundaries(tokens: readonly number[], indices: readonly number[], tok: Tokenizer): Segment[] {
  const out: Segment[] = [];
  for (let i = 0; i < indices.length - 1; i++) {
    const start = indices[i]!;
    const end = indices[i + 1]!;
    out.push({ nbTokens: end - start, text: tok.decode(tokens.slice(start, end)) });
  }
  return out;
}

/** Returns the chunk texts exactly as the official loop would tokenise them (already stripped). */
export function splitIntoBestSentences(text: string, tok: Tokenizer, opts: SplitOptions): string[] {
  const prepared = pyStrip(prepareTextPrompt(text, opts).text);
  const tokens = tok.encode(prepared);
  const { sentence, fallback } = boundaryIds(tok);
  const segments = segmentsFromBoundaries(tokens, findBoundaryIndices(tokens, sentence), tok);

  // #143: sub-split sentences over the budget on , ; : so the model does not skip words.
  const refined: Segment[] = [];
  for (const seg of segments) {
    if (seg.nbTokens <= opts.maxTokens) {
      refined.push(seg);
      continue;
    }
    const sub = tok.encode(pyStrip(seg.text));
    const subSegments = segmentsFromBoundaries(sub, findBoundaryIndices(sub, fallback), tok);
    if (subSegments.length > 1) refined.push(...subSegments);
    else refined.push(seg);
  }

  // Greedy packing, joined with " ". Upstream tests `current_chunk == ""`, so an empty decoded segment
  // re-opens the current chunk; mirrored rather than "fixed".
  const chunks: string[] = [];
  let current = '';
  let currentTokens = 0;
  for (const seg of refined) {
    if (current === '') {
      current = seg.text;
      currentTokens = seg.nbTokens;
      continue;
    }
    if (currentTokens + seg.nbTokens > opts.maxTokens) {
      chunks.push(pyStrip(current));
      current = seg.text;
      currentTokens = seg.nbTokens;
    } else {
      current += ' ' + seg.text;
      currentTokens += seg.nbTokens;
    }
  }
  if (current !== '') chunks.push(pyStrip(current));
  return chunks;
}
