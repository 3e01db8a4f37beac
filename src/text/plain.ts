import type { Block } from './segmentBlocks';
import { PAUSE_MS } from './pauses';
import { linesToBlocks, type TextLine } from './textLines';

/** A list bullet or number at the start of a line: it starts an item and is not read ("1." would be "one."). */
const BULLET = /^([ \t]*)(?:[-*+•‣◦]|\d{1,3}[.)])[ \t]+/;

/** Plain text: paragraphs split at blank lines and list bullets; everything else is read as written. */
export function plainBlocks(source: string): Block[] {
  return linesToBlocks(source, plainLines(source), 'plain', PAUSE_MS.plain);
}

function* plainLines(source: string): Generator<TextLine> {
  const re = /[^\r\n]*(?:\r\n|\r|\n|$)/g;
  let blank = true;
  for (let m = re.exec(source); m && m[0].length > 0; m = re.exec(source)) {
    const content = m[0].replace(/[\r\n]+$/, '');
    let start = m.index;
    const bullet = BULLET.exec(content);
    if (bullet) start += bullet[0].length;
    // A BOM is not text; VS Code shows none but the string may carry one.
    if (start === 0 && source.charCodeAt(0) === 0xfeff) start = 1;
    const isBlank = content.trim() === '';
    yield { start, end: m.index + content.length, breakBefore: blank || bullet !== null || isBlank };
    blank = isBlank;
  }
}
