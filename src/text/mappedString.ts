/**
 * A finished string with the source range of each UTF-16 unit, kept through the edits that turn a sentence into
 * spoken words, so a word the model speaks can be highlighted where it was written. Replaced text maps to the whole
 * range it replaced ("three point five" ← "3.5").
 */
export interface MappedString {
  text: string;
  starts: number[];
  ends: number[];
}

/** A string that is its own source. */
export function unmapped(text: string): MappedString {
  const starts = Array.from({ length: text.length }, (_, i) => i);
  return { text, starts, ends: starts.map((i) => i + 1) };
}

/** Replaces [start, end) spans (in order, not overlapping) with new text that maps to the range it replaced. */
export function spliceMapped(m: MappedString, edits: readonly { start: number; end: number; text: string }[]): MappedString {
  if (edits.length === 0) return m;
  const out: MappedString = { text: '', starts: [], ends: [] };
  const parts: string[] = [];
  let last = 0;
  const keep = (to: number) => {
    parts.push(m.text.slice(last, to));
    for (let i = last; i < to; i++) (out.starts.push(m.starts[i]!), out.ends.push(m.ends[i]!));
  };
  for (const e of edits) {
    keep(e.start);
    // An empty span (an insertion) maps to where it stands.
    const at = e.start < m.text.length ? m.starts[e.start]! : (m.ends[e.start - 1] ?? 0);
    const { start, end } = sourceOf(m.starts, m.ends, e.start, e.end, at);
    parts.push(e.text);
    for (let i = 0; i < e.text.length; i++) (out.starts.push(start), out.ends.push(end));
    last = e.end;
  }
  keep(m.text.length);
  out.text = parts.join('');
  return out;
}

/**
 * String.prototype.replace with a function, carrying the map (see spliceMapped). `replace` gets the same arguments
 * as with String.prototype.replace (match, groups…, offset, whole string).
 */
export function replaceMapped(m: MappedString, pattern: RegExp, replace: (match: string, ...rest: never[]) => string): MappedString {
  const edits = [...m.text.matchAll(pattern)].map((match) => ({
    start: match.index,
    end: match.index + match[0].length,
    text: (replace as (...a: unknown[]) => string)(...match, match.index, m.text),
  }));
  return spliceMapped(m, edits);
}

/** `words` said before `m`, standing for the source range [start, end). */
export function prefixMapped(words: string, m: MappedString, start: number, end: number): MappedString {
  const text = `${words} `;
  return { text: text + m.text, starts: [...Array<number>(text.length).fill(start), ...m.starts], ends: [...Array<number>(text.length).fill(end), ...m.ends] };
}

/** Whitespace runs become one space, " ," becomes ",", and the ends are trimmed; each kept unit keeps its range. */
export function tidyMapped(m: MappedString): MappedString {
  if (!/^\s|\s$|\s\s|\s[,.;:!?]|[^\S ]/.test(m.text)) return m;
  const out: MappedString = { text: '', starts: [], ends: [] };
  const chars: string[] = [];
  const t = m.text;
  for (let i = 0; i < t.length; i++) {
    const space = /\s/.test(t[i]!);
    if (space && (chars.length === 0 || /\s/.test(t[i + 1] ?? ' ') || /[,.;:!?]/.test(t[i + 1]!))) continue;
    chars.push(space ? ' ' : t[i]!);
    out.starts.push(m.starts[i]!);
    out.ends.push(m.ends[i]!);
  }
  out.text = chars.join('');
  return out;
}

/** The source range covered by units [from, to) of a map; empty at `fallback` when nothing is covered. */
export function sourceOf(starts: ArrayLike<number>, ends: ArrayLike<number>, from: number, to: number, fallback: number): { start: number; end: number } {
  let start = Infinity;
  let end = -Infinity;
  for (let i = Math.max(0, from); i < Math.min(to, starts.length); i++) (start = Math.min(start, starts[i]!), (end = Math.max(end, ends[i]!)));
  return start === Infinity ? { start: fallback, end: fallback } : { start, end };
}
