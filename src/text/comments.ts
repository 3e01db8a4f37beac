import type { Block } from './segmentBlocks';
import type { CommentSyntax } from './commentSyntax';
import { speakIdentifier } from './identifiers';
import { lineAt, lineStarts } from './lines';
import { PAUSE_MS } from './pauses';
import { linesToBlocks, type TextLine } from './textLines';

/** A comment's extent: the delimiters included, `[start, end)`. */
interface RawComment {
  start: number;
  end: number;
  open: string;
  /** '' for line comments and for a block comment left open at the end of the file. */
  close: string;
  isLine: boolean;
}

/**
 * Comments of a code file as blocks of prose, with delimiters, JSDoc stars, tool pragmas and
 * decorative rules removed. Consecutive whole-line comments form one block so wrapped sentences
 * read as one; a blank comment line or a JSDoc tag starts a new block.
 */
export function commentBlocks(source: string, syntax: CommentSyntax): Block[] {
  const starts = lineStarts(source);
  const lines: TextLine[] = [];
  let prevLine = -2;
  for (const c of scanComments(source, syntax)) {
    const firstLine = lineAt(starts, c.start);
    const wholeLine = source.slice(starts[firstLine]!, c.start).trim() === '';
    const adjacent = c.isLine && wholeLine && firstLine === prevLine + 1;
    let first = true;
    for (const line of commentLines(source, c, syntax)) {
      lines.push({ ...line, breakBefore: line.breakBefore || (first && !adjacent) });
      first = false;
    }
    // Only line comments continue one another; a block comment always stands alone.
    prevLine = c.isLine && wholeLine ? firstLine : -2;
  }
  return linesToBlocks(source, lines, 'comment', PAUSE_MS.comment);
}

/** Finds comments, skipping over strings so "http://x" or '# not a comment' stay code. */
export function* scanComments(source: string, syntax: CommentSyntax): Generator<RawComment> {
  const n = source.length;
  let i = source.startsWith('#!') ? source.indexOf('\n') + 1 || n : 0; // a shebang is not prose
  while (i < n) {
    const block = syntax.block.find(([open]) => source.startsWith(open, i));
    if (block) {
      const close = source.indexOf(block[1], i + block[0].length);
      const end = close < 0 ? n : close + block[1].length;
      yield { start: i, end, open: block[0], close: close < 0 ? '' : block[1], isLine: false };
      i = end;
      continue;
    }
    const line = syntax.line.find((tok) => source.startsWith(tok, i));
    if (line && (!syntax.lineNeedsSpace || i === 0 || /[\s;|&()]/.test(source[i - 1]!))) {
      const eol = lineEnd(source, i);
      yield { start: i, end: eol, open: line, close: '', isLine: true };
      i = eol;
      continue;
    }
    i = skipString(source, i, syntax);
  }
}

function lineEnd(source: string, i: number): number {
  const m = /\r\n|\r|\n/g;
  m.lastIndex = i;
  const hit = m.exec(source);
  return hit ? hit.index : source.length;
}

/** Index after the string starting at `i`, or `i + 1` when no string starts there. */
function skipString(source: string, i: number, syntax: CommentSyntax): number {
  const long = syntax.longStrings.find(([open]) => source.startsWith(open, i));
  if (long) {
    const close = findClose(source, long[1], i + long[0].length, false);
    return close < 0 ? source.length : close + long[1].length;
  }
  const q = source[i]!;
  if (syntax.charQuote && q === "'") {
    const m = /^'(?:\\.[^'\n]{0,9}|[^\\'\n])'/.exec(source.slice(i, i + 14));
    return m ? i + m[0].length : i + 1;
  }
  if (syntax.strings.includes(q)) {
    const close = findClose(source, q, i + 1, true);
    return close < 0 ? i + 1 : close + 1;
  }
  return i + 1;
}

/** Closing delimiter honouring backslash escapes; a single-line string gives up at the line end. */
function findClose(source: string, close: string, from: number, singleLine: boolean): number {
  for (let j = from; j < source.length; j++) {
    const c = source[j];
    if (c === '\\') j++;
    else if (singleLine && (c === '\n' || c === '\r')) return -1;
    else if (source.startsWith(close, j)) return j;
  }
  return -1;
}

/** Tool directives: instructions to linters and compilers, not prose for people. */
const PRAGMA = /^(?:eslint[- ]|eslint$|@ts-|prettier-ignore|istanbul |c8 |tslint:|jshint|global\s|#?(?:end)?region\b|noqa|type:\s*ignore|pylint:|fmt:\s*(?:on|off)|-\*-|nolint|NOSONAR|\/\s*<reference|<reference|@flow|cspell:|spell-checker:|shellcheck |webpackChunkName|@vite-ignore|@refresh|@jsx|biome-ignore|deno-lint-ignore|rubocop:|frozen_string_literal)/i;

/** Lines of a comment as prose ranges; `breakBefore` marks paragraph breaks within it. */
function* commentLines(source: string, c: RawComment, syntax: CommentSyntax): Generator<TextLine> {
  const from = c.start + c.open.length;
  const to = c.end - c.close.length;
  const starred = syntax.starredBlocks === true && !c.isLine;
  const re = /[^\r\n]*/g;
  let breakNext = false;
  let pos = from;
  while (pos <= to) {
    re.lastIndex = pos;
    const raw = re.exec(source)![0];
    const lineEndAt = Math.min(pos + raw.length, to);
    let s = pos;
    let e = lineEndAt;
    // Leading decoration: indentation, JSDoc "*", extra "/" or "!" of "///" and "//!", extra "#" of "##".
    const lead = starred ? /^(?:[ \t]*\*+(?!\/))?/ : c.isLine ? /^[/!#-]*/ : /^/;
    s += lead.exec(source.slice(s, e))![0].length;
    while (s < e && /\s/.test(source[s]!)) s++;
    while (e > s && /[\s*]/.test(source[e - 1]!) && (starred || /\s/.test(source[e - 1]!))) e--;
    const text = source.slice(s, e);
    if (!/[\p{L}\p{N}]/u.test(text)) breakNext = true; // blank or a decorative rule ("-----", "*****")
    else if (!PRAGMA.test(text)) {
      const tag = starred && text.startsWith('@');
      yield { start: tag ? s + 1 : s, end: e, value: speakable(tag ? text.slice(1) : text), breakBefore: breakNext || tag };
      breakNext = false;
    }
    // Step over this line's ending.
    pos += raw.length;
    if (source[pos] === '\r' && source[pos + 1] === '\n') pos += 2;
    else pos += 1;
  }
}

/** Markdown-ish markup inside comments: `code` read as words, {@link X} read as X, JSDoc {Type} braces dropped. */
function speakable(text: string): string {
  return text
    .replace(/\{@(?:link|linkcode|linkplain)\s+([^}|\s]+)[^}]*\}/g, (_, target: string) => target)
    .replace(/`([^`]+)`/g, (_, code: string) => speakIdentifier(code))
    .replace(/[{}]/g, ' ');
}
