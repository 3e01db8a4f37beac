// Where each SentencePiece token of a chunk sits in the chunk text. The wasm tokenizer gives pieces, not offsets,
// so pieces are matched back onto the text: "▁" stands for a whitespace run (or for nothing, as the dummy prefix),
// byte-fallback pieces ("<0xC3>") are regrouped into their character and all get its span, and text characters the
// tokenizer normalised (NFKC) are compared in normalised form. Spans are UTF-16 [start, end) in the chunk text.
import type { TextSpan } from '../shared/protocol';

const SPACE = /\s/u;

function byteValue(piece: string): number | undefined {
  const m = /^<0x([0-9A-Fa-f]{2})>$/.exec(piece);
  return m ? parseInt(m[1]!, 16) : undefined;
}

function utf8Length(first: number): number {
  if (first >= 0xc2 && first <= 0xdf) return 2;
  if (first >= 0xe0 && first <= 0xef) return 3;
  if (first >= 0xf0 && first <= 0xf4) return 4;
  return 1;
}

const utf8 = new TextDecoder();

/** Walks the text one normalised character at a time, remembering which source code point each came from. */
class Cursor {
  pos = 0;
  private expansion = '';
  private k = 0;

  constructor(private readonly text: string) {}

  private cpLength(at: number): number {
    return this.text.codePointAt(at)! > 0xffff ? 2 : 1;
  }

  /** The next normalised character, or undefined at the end. */
  peek(): string | undefined {
    if (this.pos >= this.text.length) return undefined;
    if (this.k === 0) this.expansion = this.text.slice(this.pos, this.pos + this.cpLength(this.pos)).normalize('NFKC');
    return this.expansion === '' ? '' : String.fromCodePoint(this.expansion.codePointAt(this.k)!);
  }

  /** Consumes one normalised character; returns the source code point's span once it is fully consumed. */
  advance(): TextSpan {
    const span = { start: this.pos, end: this.pos + this.cpLength(this.pos) };
    const ch = this.peek() ?? '';
    this.k += ch.length;
    if (this.k >= this.expansion.length) {
      this.pos = span.end;
      this.k = 0;
    }
    return span;
  }

  /** At a code point boundary and on whitespace. */
  atSpace(): boolean {
    return this.k === 0 && this.pos < this.text.length && SPACE.test(this.text[this.pos]!);
  }

  /** Jumps to the next code point (within `window`) whose normalised form starts with `ch`; false if none. */
  resync(ch: string, window = 32): boolean {
    let at = this.k === 0 ? this.pos : this.pos + this.cpLength(this.pos);
    for (let n = 0; n < window && at < this.text.length; n++) {
      const len = this.cpLength(at);
      if (this.text.slice(at, at + len).normalize('NFKC').startsWith(ch)) {
        this.pos = at;
        this.k = 0;
        return true;
      }
      at += len;
    }
    return false;
  }
}

/** Matches one piece's characters at the cursor; the span covers the text it consumed (empty if none). */
function matchPiece(cursor: Cursor, chars: string): TextSpan {
  let start = Infinity;
  let end = -Infinity;
  const cover = (s: TextSpan) => ((start = Math.min(start, s.start)), (end = Math.max(end, s.end)));
  for (const ch of chars) {
    if (ch === ' ') {
      while (cursor.atSpace()) cover(cursor.advance());
      continue;
    }
    while (cursor.atSpace()) cursor.advance(); // whitespace the tokenizer dropped (edges, collapsed runs)
    while (cursor.peek() === '') cursor.advance(); // characters NFKC removes
    if (cursor.peek() === ch || cursor.resync(ch)) cover(cursor.advance());
  }
  return start === Infinity ? { start: cursor.pos, end: cursor.pos } : { start, end };
}

/** One span per piece, in order. */
export function pieceSpans(text: string, pieces: readonly string[]): TextSpan[] {
  const cursor = new Cursor(text);
  const spans: TextSpan[] = [];
  for (let i = 0; i < pieces.length; ) {
    const first = byteValue(pieces[i]!);
    if (first === undefined) {
      spans.push(matchPiece(cursor, pieces[i]!.replaceAll('▁', ' ')));
      i++;
      continue;
    }
    const n = utf8Length(first);
    const bytes = pieces.slice(i, i + n).map(byteValue);
    const valid = bytes.length === n && bytes.slice(1).every((b) => b !== undefined && b >= 0x80 && b <= 0xbf);
    const group = valid ? n : 1;
    const span = valid ? matchPiece(cursor, utf8.decode(Uint8Array.from(bytes as number[]))) : { start: cursor.pos, end: cursor.pos };
    for (let k = 0; k < group; k++) spans.push(span);
    i += group;
  }
  return spans;
}

/** Code point index of every UTF-16 offset (length + 1 entries), so overlaps count characters, not code units. */
function codePointIndex(text: string): Int32Array {
  const out = new Int32Array(text.length + 1);
  let cp = 0;
  for (let i = 0; i < text.length; i++) {
    out[i] = cp;
    const c = text.charCodeAt(i);
    if (!(c >= 0xd800 && c <= 0xdbff && i + 1 < text.length)) cp++;
  }
  out[text.length] = cp;
  return out;
}

/**
 * tokens × units: how much of each piece overlaps each unit, in code points, rows normalised to sum 1 (pieces
 * that touch no unit, such as spaces and emoji, are all zero). Attention over tokens times this is attention over
 * units.
 */
export function tokenToUnit(text: string, pieces: readonly TextSpan[], units: readonly TextSpan[]): Float32Array {
  const cp = codePointIndex(text);
  const m = new Float32Array(pieces.length * units.length);
  pieces.forEach((p, t) => {
    let total = 0;
    units.forEach((u, k) => {
      const o = Math.max(0, Math.min(cp[p.end]!, cp[u.end]!) - Math.max(cp[p.start]!, cp[u.start]!));
      m[t * units.length + k] = o;
      total += o;
    });
    if (total > 0) for (let k = 0; k < units.length; k++) m[t * units.length + k] /= total;
  });
  return m;
}
