/**
 * Word timings along the playback stream, for the word highlight: marks arrive with the audio chunks (a word's end
 * may come with a later chunk than its start, and estimated words with the last chunk of their sentence), are kept by
 * absolute position in the stream (input samples at 1×, so speed changes need nothing here), and the queue asks which
 * word is heard at its clock position.
 */
export interface TrackSpan {
  start: number;
  end: number;
}

/** A word boundary carried by a queue item. */
export interface ItemWord {
  /** Identifies the word across its start and end marks. */
  id: string;
  phase: 'start' | 'end';
  /** Samples from the item's start; negative when the mark falls in earlier audio of the same request. */
  offset: number;
  /** Where the word is in the document. */
  span: TrackSpan;
}

export interface HeardWord {
  id: string;
  span: TrackSpan;
  segmentIndex: number;
}

interface Start extends HeardWord {
  at: number;
}

export class WordTrack {
  /** Sorted by position. */
  private starts: Start[] = [];
  private readonly ends = new Map<string, number>();

  /** `holdSamples`: how long a word stays highlighted after it ends, so short gaps between words do not flicker. */
  constructor(private readonly holdSamples: number) {}

  add(itemStart: number, segmentIndex: number, words: readonly ItemWord[]): void {
    for (const w of words) {
      const at = itemStart + w.offset;
      if (w.phase === 'end') {
        this.ends.set(w.id, at);
        continue;
      }
      let i = this.starts.length;
      while (i > 0 && this.starts[i - 1]!.at > at) i--; // marks arrive almost in order
      this.starts.splice(i, 0, { at, id: w.id, span: w.span, segmentIndex });
    }
  }

  /** The word heard at `position` in segment `segmentIndex`, if any. */
  at(position: number, segmentIndex: number): HeardWord | undefined {
    let lo = 0;
    let hi = this.starts.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.starts[mid]!.at <= position) lo = mid + 1;
      else hi = mid;
    }
    const w = this.starts[lo - 1];
    if (!w || w.segmentIndex !== segmentIndex) return undefined;
    const end = this.ends.get(w.id);
    if (end !== undefined && position >= end + this.holdSamples) return undefined;
    return { id: w.id, span: w.span, segmentIndex: w.segmentIndex };
  }

  /** Forgets words that start before `position` (their audio was dropped). */
  dropBefore(position: number): void {
    let n = 0;
    while (n < this.starts.length && this.starts[n]!.at < position) this.ends.delete(this.starts[n++]!.id);
    if (n > 0) this.starts.splice(0, n);
  }
}
