import type { Code } from 'mdast';
import { speakIdentifier } from '../identifiers';
import { MappedText } from '../mappedText';
import { PAUSE_MS } from '../pauses';
import type { TextBlock } from '../segmentBlocks';
import { range, type Doc } from './inline';

const FENCE = /^[ \t]*(?:`{3,}|~{3,})[^\r\n]*(?:\r\n|\r|\n|$)/;

/**
 * `codeBlocks: 'read'`: each line of code is its own utterance, identifiers spoken as words
 * ("app.get(…)" → "app dot get"), highlighted on its source line. Lines with no words (braces) are silent.
 */
export function codeLines(doc: Doc, node: Code): TextBlock[] {
  const r = range(doc, node);
  if (!r) return [];
  // The value is aligned onto the source (it lacks container prefixes and, in <pre>, tags and entities);
  // starting after the opening fence keeps a word of the info string from being matched.
  const from = r[0] + (FENCE.exec(doc.source.slice(r[0], r[1]))?.[0].length ?? 0);
  const aligned = new MappedText();
  aligned.appendAligned(node.value, doc.source, from, r[1]);
  const lines: TextBlock[] = [];
  let at = 0;
  for (const line of node.value.split('\n')) {
    const words = speakIdentifier(line);
    if (words) {
      const first = at + line.search(/\S/);
      const last = at + line.trimEnd().length - 1;
      const text = new MappedText();
      text.appendCoarse(words, aligned.starts[first]!, aligned.ends[last]!);
      lines.push({ kind: 'codeLine', text, pauseAfterMs: PAUSE_MS.codeLine });
    }
    at += line.length + 1;
  }
  const end = lines[lines.length - 1];
  if (end) end.pauseAfterMs = PAUSE_MS.paragraph;
  return lines;
}
