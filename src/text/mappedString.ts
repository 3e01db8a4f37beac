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

/**
 * String.prototype.replace with a function, carrying the map: kept text keeps its ranges, each replacement maps
 * to the range of what it replaced (an empty match to where it stood). `replace` gets the same arguments as with
 * String.prototype.replace (match, groups…, offset, whole string).
 */
export function replaceMapped(m: MappedString, pattern: RegExp, replace: (match: string, ...rest: never[]) => string): MappedString {
  const matches = [...m.text.matchAll(pattern)];
  if (matches.length === 0) return m;
  const out: MappedString = { text: '', starts: [], ends: [] };
  const parts: string[] = [];
  let last = 0;
  const keep = (to: number) => {
    parts.push(m.text.slice(last, to));
    for (let i = last; i < to; i++) (out.starts.push(m.starts[i]!), out.ends.push(m.ends[i]!));
  };
  for (const match of matches) {
    const at = match.index;
    keep(at);
    const value = (replace as (...a: unknown[]) => string)(...match, at, m.text);
    const end = at + match[0].length;
    const { start, end: stop } = sourceOf(m.starts, m.ends, at, end, at < m.text.length ? m.starts[at]! : (m.ends[at - 1] ?? 0));
    parts.push(value);
    for (let i = 0; i < value.length; i++) (out.starts.push(start), out.ends.push(Math.max(start, stop)));
    last = end;
  }
  keep(m.text.length);
  out.text = parts.join('');
  return out;
}

/** The units [from, to) of `m`. */
export function sliceMapped(m: MappedString, from: number, to: number): MappedString {
  return { text: m.text.slice(from, to), starts: m.starts.slice(from, to), ends: m.ends.slice(from, to) };
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
