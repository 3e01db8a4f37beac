/**
 * Word marks of one engine request on the request's own audio timeline. The engine times marks from the start of
 * their text chunk's audio; this follows the chunks as they arrive to know where each text chunk starts, and pairs
 * the start and end marks of each word for captions and timestamp files.
 */
import type { AudioChunk, WordMark } from '../shared/protocol';

export interface PlacedMark extends WordMark {
  /** Samples from the start of the request's audio. */
  at: number;
  /** The word's identity within the request: "textChunk:word". */
  key: string;
}

export interface TimedWord {
  key: string;
  /** Seconds from the start of the request's audio. */
  start: number;
  end: number;
  /** Offsets into the request text. */
  sourceStart: number;
  sourceEnd: number;
  estimated: boolean;
}

export class RequestMarks {
  private samples = 0;
  private readonly chunkStarts = new Map<number, number>();

  /** Call once per chunk, in order: where the chunk's audio starts on the request timeline, and its marks placed. */
  place(chunk: AudioChunk): { itemStart: number; marks: PlacedMark[] } {
    const itemStart = this.samples;
    if (!this.chunkStarts.has(chunk.textChunk)) this.chunkStarts.set(chunk.textChunk, itemStart);
    this.samples += chunk.pcm.length;
    const origin = this.chunkStarts.get(chunk.textChunk)!;
    const marks = (chunk.words ?? []).map((m) => ({ ...m, at: origin + Math.round(m.time * chunk.sampleRate), key: `${chunk.textChunk}:${m.word}` }));
    return { itemStart, marks };
  }
}

/** Start and end marks joined into words, in order of their start (a word without an end ends where it starts). */
export function pairWords(marks: readonly PlacedMark[], sampleRate: number): TimedWord[] {
  const words = new Map<string, TimedWord>();
  for (const m of marks) {
    const seconds = m.at / sampleRate;
    const w = words.get(m.key) ?? { key: m.key, start: seconds, end: seconds, sourceStart: m.sourceStart, sourceEnd: m.sourceEnd, estimated: false };
    if (m.phase === 'start') w.start = seconds;
    else w.end = seconds;
    w.estimated ||= m.estimated;
    words.set(m.key, w);
  }
  return [...words.values()].sort((a, b) => a.start - b.start || a.end - b.end);
}
