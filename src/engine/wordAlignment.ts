/**
 * The word alignment state machine of dpm63/pocket-tts-timestamped (timestamps/alignment.py), frame by frame over
 * one text chunk: a word opens on the first voiced frame after the previous one, and hands over to the next word
 * when that word's attention score overtakes it (or, once the current word's score is below 0.001, when any later
 * word's does); a silent frame closes the open word when a later unit dominates or it is the last word with no real
 * punctuation after it. At the end of the chunk the open word closes. Words the alignment never reached share the
 * remaining time by length with the word still open, marked estimated, so every word gets a time.
 */

export interface AlignUnit {
  isWord: boolean;
  synthetic: boolean;
  /** Weight of the unit when time is shared out (its length in UTF-16 code units). */
  length: number;
}

export interface WordEvent {
  phase: 'start' | 'end';
  /** Index among the chunk's words. */
  word: number;
  /** Seconds from the chunk's audio start. */
  time: number;
  estimated: boolean;
}

/** The fork's silence threshold, an fp32 1e-3 RMS over the frame's samples. */
const SILENCE_RMS = Math.fround(1e-3);
const NON_NEXT_THRESHOLD = 0.001;

export function isVoiced(frame: Float32Array): boolean {
  let energy = 0;
  for (let i = 0; i < frame.length; i++) energy += frame[i]! * frame[i]!;
  return frame.length > 0 && energy > SILENCE_RMS * SILENCE_RMS * frame.length;
}

export class WordAlignment {
  /** Unit index of each word. */
  private readonly words: number[];
  /** Real punctuation follows the last word (as in the fork, silence closes the last word only when none does). */
  private readonly punctuationAfterLast: boolean;
  private next = 0;
  private open: number | undefined;
  private openedAt = 0;
  private lastTime = 0;

  constructor(private readonly units: readonly AlignUnit[]) {
    this.words = units.flatMap((u, i) => (u.isWord ? [i] : []));
    const lastWord = this.words[this.words.length - 1] ?? units.length;
    this.punctuationAfterLast = units.slice(lastWord + 1).some((u) => !u.isWord && !u.synthetic);
  }

  /** One frame: its unit scores (attention averaged over the heads), whether it is voiced, and its start time. */
  process(scores: ArrayLike<number>, voiced: boolean, time: number): WordEvent[] {
    if (scores.length !== this.units.length) throw new Error(`expected ${this.units.length} unit scores, got ${scores.length}`);
    const events: WordEvent[] = [];
    if (!voiced) {
      if (this.open === undefined) return events;
      const cur = this.words[this.open]!;
      let laterMax = -Infinity;
      for (let u = cur + 1; u < scores.length; u++) laterMax = Math.max(laterMax, scores[u]!);
      const last = this.open === this.words.length - 1;
      if (laterMax > scores[cur]! || (last && !this.punctuationAfterLast)) events.push(this.close(time));
      return events;
    }
    if (this.open === undefined) {
      if (this.next < this.words.length) events.push(this.openNext(time));
      return events;
    }
    if (this.next >= this.words.length) return events;
    if (this.laterWordDominates(scores, this.words[this.open]!)) events.push(this.close(time), this.openNext(time));
    return events;
  }

  /** End of the chunk's audio: closes the open word, or shares the time left among it and the unreached words. */
  finish(audioEnd: number): WordEvent[] {
    const unreached = this.words.length - this.next;
    if (unreached === 0) return this.open === undefined ? [] : [this.close(audioEnd)];
    const share: number[] = [];
    if (this.open !== undefined) share.push(this.open);
    for (let w = this.next; w < this.words.length; w++) share.push(w);
    const from = this.open !== undefined ? this.openedAt : this.lastTime;
    const weights = share.map((w) => Math.max(1, this.units[this.words[w]!]!.length));
    const total = weights.reduce((a, b) => a + b, 0);
    const events: WordEvent[] = [];
    let acc = 0;
    share.forEach((w, i) => {
      const start = from + ((audioEnd - from) * acc) / total;
      acc += weights[i]!;
      const end = from + ((audioEnd - from) * acc) / total;
      if (w !== this.open) events.push({ phase: 'start', word: w, time: start, estimated: true });
      events.push({ phase: 'end', word: w, time: end, estimated: true });
    });
    this.open = undefined;
    this.next = this.words.length;
    return events;
  }

  private laterWordDominates(scores: ArrayLike<number>, cur: number): boolean {
    const s = scores[cur]!;
    if (scores[this.words[this.next]!]! > s) return true;
    if (s >= NON_NEXT_THRESHOLD) return false;
    for (let w = this.next + 1; w < this.words.length; w++) if (scores[this.words[w]!]! > s) return true;
    return false;
  }

  private openNext(time: number): WordEvent {
    this.open = this.next++;
    this.openedAt = time;
    this.lastTime = time;
    return { phase: 'start', word: this.open, time, estimated: false };
  }

  private close(time: number): WordEvent {
    const word = this.open!;
    this.open = undefined;
    this.lastTime = time;
    return { phase: 'end', word, time, estimated: false };
  }
}
