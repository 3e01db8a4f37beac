/**
 * Spoken text under construction, with a source range for every character.
 *
 * Parsers hand us decoded values ("&amp;" → "&", continuation lines without their "> " or
 * indentation), so a value is aligned back onto its source slice rather than assumed to match it.
 * Sentence ranges are then exact even when a paragraph contains escapes or entities.
 */
export class MappedText {
  private parts: string[] = [];
  /** Source start / exclusive end of each UTF-16 unit of `text`. */
  readonly starts: number[] = [];
  readonly ends: number[] = [];
  /** Offsets in `text` where a line break (<br>, a hard break) ends a sentence whatever the punctuation. */
  readonly breaks: number[] = [];
  private cached: string | undefined = '';
  private last = '';

  get text(): string {
    if (this.cached === undefined) this.cached = this.parts.join('');
    return this.cached;
  }

  get length(): number {
    return this.starts.length;
  }

  /** Appends `value`, every unit mapped to the whole range (for replaced text: "get user name" ← `getUserName`). */
  appendCoarse(value: string, start: number, end: number): void {
    this.push(value);
    for (let i = 0; i < value.length; i++) {
      this.starts.push(start);
      this.ends.push(end);
    }
  }

  /**
   * Appends `value`, aligning it onto `source` from `from` to `to`: equal units map one-to-one,
   * source units the value lacks (markup, escapes, indentation) are skipped, and value units the
   * source lacks (decoded entities) map to the source unit they stand at.
   */
  appendAligned(value: string, source: string, from: number, to: number): void {
    this.push(value);
    let j = from;
    for (let i = 0; i < value.length; i++) {
      if (j < to && source.charCodeAt(j) !== value.charCodeAt(i)) {
        const k = findAhead(source, value, i, j, to);
        if (k >= 0) j = k;
      }
      // Past the end (value longer than its source): stick to the last source unit.
      const at = j < to ? j : Math.max(from, to - 1);
      this.starts.push(at);
      this.ends.push(Math.min(at + 1, Math.max(to, from)));
      if (j < to && source.charCodeAt(j) === value.charCodeAt(i)) j++;
    }
  }

  /** A single space with no source of its own, mapped to the previous unit (between inline nodes). */
  appendSpace(): void {
    const n = this.starts.length;
    if (n === 0 || this.last === ' ') return;
    this.push(' ');
    this.starts.push(this.starts[n - 1]!);
    this.ends.push(this.ends[n - 1]!);
  }

  /** A line break, heard as a pause: a space, and a sentence boundary after it. */
  appendBreak(): void {
    if (this.starts.length === 0) return;
    this.appendSpace();
    this.breaks.push(this.starts.length);
  }

  private push(value: string): void {
    if (value.length === 0) return;
    this.parts.push(value);
    this.cached = undefined;
    this.last = value[value.length - 1]!;
  }
}

/** How far markup between two value characters may reach: deep "> > >" prefixes, long entities. */
const MAX_SKIP = 4096;

/** Where in `source` (≥ j) the next few value units reappear, or -1 if they don't nearby. */
function findAhead(source: string, value: string, i: number, j: number, to: number): number {
  // A bounded window keeps a long run of unmatched units from rescanning the rest of the document.
  const window = source.slice(j, Math.min(to, j + MAX_SKIP));
  const probe = value.slice(i, i + 4);
  let k = window.indexOf(probe);
  if (k < 0 && probe.length > 1) {
    k = window.indexOf(probe[0]!);
    if (k > 16) k = -1;
  }
  return k < 0 ? -1 : j + k;
}
