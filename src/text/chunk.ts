// Plans the text chunks the engine speaks, one model call each: official chunk texts/token ids plus the
// source span each chunk covers (for highlighting and resume). See officialSplit.ts for the quirks.
import { EngineError } from '../shared/errors';
import { textBlocks } from './textBlocks';
import { splitIntoBestSentences } from './officialSplit';
import { prepareTextPrompt } from './prepare';
import { pyIsBlank } from './pyString';
import { pieceSpans, tokenToUnit } from './pieceSpans';
import { mapSpans } from './spanMap';
import type { Tokenizer } from './tokenizer';
import { wordUnits, type WordUnit } from './wordUnits';

/** What word timing needs per chunk: its units and how its tokens spread over them. */
export interface ChunkWords {
  units: WordUnit[];
  /** tokens × units, row-major (see tokenToUnit). */
  tokenToUnit: Float32Array;
}

export interface TextChunk {
  /** Exactly what the official loop tokenises for this chunk. */
  text: string;
  tokenIds: number[];
  /** [start, end) in the ORIGINAL input string. */
  start: number;
  end: number;
  framesAfterEos: number;
  /** With `ChunkOptions.words`. */
  words?: ChunkWords;
}

export interface ChunkOptions {
  maxTokens: number;
  removeSemicolons: boolean;
  padWithSpaces: boolean;
  /** The model config's value; null means "guess per chunk + 2" as upstream. */
  recommendedFramesAfterEos: number | null;
  /** Also plan word units (word timing). */
  words?: boolean;
}

export function planChunks(text: string, tokenizer: Tokenizer, opts: ChunkOptions): TextChunk[] {
  return [...iterateChunks(text, tokenizer, opts)];
}

/** Validates eagerly (throws before the first `next()`), then plans block by block. */
export function iterateChunks(text: string, tokenizer: Tokenizer, opts: ChunkOptions): Generator<TextChunk> {
  if (!Number.isInteger(opts.maxTokens) || opts.maxTokens < 1) {
    throw new RangeError(`maxTokens must be a positive integer, got ${opts.maxTokens}`);
  }
  // Blank in Python's sense or JS's (U+FEFF alone is JS whitespace): nothing to read either way.
  if (pyIsBlank(text) || !/\S/.test(text)) throw new EngineError('EMPTY_TEXT', 'There is no text to read.');
  if (!/[\p{L}\p{N}]/u.test(text)) {
    throw new EngineError('NOTHING_SPEAKABLE', 'The text has no letters or digits to read aloud.');
  }
  return generate(text, tokenizer, opts);
}

function* generate(text: string, tokenizer: Tokenizer, opts: ChunkOptions): Generator<TextChunk> {
  for (const [blockStart, blockEnd] of textBlocks(text)) {
    const block = text.slice(blockStart, blockEnd);
    if (pyIsBlank(block)) continue;
    // An empty chunk would make upstream's per-chunk prepare_text_prompt raise; it holds no words.
    const texts = splitIntoBestSentences(block, tokenizer, opts).filter((t) => t !== '');
    const spans = mapSpans(text, blockStart, blockEnd, texts);
    for (let i = 0; i < texts.length; i++) {
      const chunkText = texts[i]!;
      // Upstream runs prepare_text_prompt on each chunk but keeps only its frame guess.
      const guess = prepareTextPrompt(chunkText, opts).framesAfterEosGuess;
      const tokenIds = tokenizer.encode(chunkText);
      yield {
        text: chunkText,
        tokenIds,
        start: spans[i]!.start,
        end: spans[i]!.end,
        framesAfterEos: opts.recommendedFramesAfterEos ?? guess + 2,
        words: opts.words ? chunkWords(chunkText, tokenIds.length, tokenizer, text, spans[i]!) : undefined,
      };
    }
  }
}

function chunkWords(chunkText: string, tokens: number, tokenizer: Tokenizer, request: string, span: { start: number; end: number }): ChunkWords | undefined {
  const pieces = tokenizer.encodePieces(chunkText);
  if (pieces.length !== tokens) return undefined; // cannot happen with one SentencePiece model; no timing rather than wrong timing
  const units = wordUnits(chunkText, request, span);
  const unitSpans = units.map((u) => ({ start: u.chunkStart, end: u.chunkEnd }));
  return { units, tokenToUnit: tokenToUnit(chunkText, pieceSpans(chunkText, pieces), unitSpans) };
}
