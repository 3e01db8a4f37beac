// Port of pocket_tts `prepare_text_prompt` (reference §4.2). Kept quirk-for-quirk: the model was trained
// and evaluated on exactly this text, and chunk.ts needs the same word counts for frames-after-EOS.
import { EngineError } from '../shared/errors';
import { firstCodePoint, lastCodePoint, pyIsAlnum, pyIsUpper, pyStrip, pyWordCount } from './pyString';

export interface PreparedPrompt {
  text: string;
  /** 3 for ≤ 4 words, else 1; callers add 2 when the model has no recommended value. */
  framesAfterEosGuess: number;
}

export interface PrepareOptions {
  padWithSpaces: boolean;
  removeSemicolons: boolean;
}

export function prepareTextPrompt(input: string, opts: PrepareOptions): PreparedPrompt {
  let text = pyStrip(input);
  if (text === '') throw new EngineError('EMPTY_TEXT', 'Text prompt cannot be empty');
  // ONE pass of "  " -> " ": runs of 3+ spaces survive partially, as upstream.
  text = text.replaceAll('\n', ' ').replaceAll('\r', ' ').replaceAll('  ', ' ');
  if (opts.removeSemicolons) text = text.replaceAll(';', ',');

  // Counted before the capital/period edits, as upstream (they cannot change the count anyway).
  const framesAfterEosGuess = pyWordCount(text) <= 4 ? 3 : 1;

  const first = firstCodePoint(text);
  if (!pyIsUpper(first)) text = first.toUpperCase() + text.slice(first.length);

  if (pyIsAlnum(lastCodePoint(text))) text += '.';

  // Only english_2026-01 sets this; split_into_best_sentences strips it again right away.
  if (opts.padWithSpaces && pyWordCount(text) < 5) text = ' '.repeat(8) + text;

  return { text, framesAfterEosGuess };
}
