/**
 * Word marks for one text chunk. Each emitted step's attention (the timestamp heads' rows over the whole sequence)
 * is cut to the chunk's text positions and renormalised — the fork's softmax over the text keys only, since the
 * causal mask is zero there — spread over the units and averaged over the heads. The alignment runs when the
 * frame's audio is decoded (it needs the frame's loudness), so marks travel with the audio they fall in.
 */
import type { WordMark } from '../shared/protocol';
import type { ChunkWords } from '../text/chunk';
import { isVoiced, WordAlignment, type WordEvent } from './wordAlignment';

/** Unit scores of one step: per tap, the row over text positions [textStart, textStart + tokens) renormalised. */
export function unitScores(attention: Float32Array, taps: number, textStart: number, words: ChunkWords): Float64Array {
  const units = words.units.length;
  const tokens = words.tokenToUnit.length / Math.max(1, units);
  const positions = attention.length / taps;
  const scores = new Float64Array(units);
  for (let h = 0; h < taps; h++) {
    const row = h * positions + textStart;
    let sum = 0;
    for (let t = 0; t < tokens; t++) sum += attention[row + t]!;
    if (!(sum > 0)) continue;
    for (let t = 0; t < tokens; t++) {
      const p = attention[row + t]! / sum;
      for (let u = 0; u < units; u++) scores[u] += p * words.tokenToUnit[t * units + u]!;
    }
  }
  for (let u = 0; u < units; u++) scores[u] /= taps;
  return scores;
}

export class WordTimer {
  private readonly alignment: WordAlignment;
  /** Scores of frames generated but not yet decoded. */
  private readonly pending: Float64Array[] = [];
  private frame = 0;
  private readonly wordUnits: ChunkWords['units'];

  constructor(
    private readonly words: ChunkWords,
    private readonly taps: number,
    /** Sequence position of the chunk's first text token (the voice's length). */
    private readonly textStart: number,
    private readonly samplesPerFrame: number,
    private readonly sampleRate: number,
  ) {
    this.alignment = new WordAlignment(words.units.map((u) => ({ isWord: u.isWord, synthetic: u.synthetic, length: u.chunkEnd - u.chunkStart })));
    this.wordUnits = words.units.filter((u) => u.isWord);
  }

  /** The attention of a step whose latent is emitted. */
  addFrame(attention: Float32Array): void {
    this.pending.push(unitScores(attention, this.taps, this.textStart, this.words));
  }

  /** The decoded audio of the next `frames` frames; returns the marks that fall in it. */
  onAudio(pcm: Float32Array, frames: number): WordMark[] {
    const events: WordEvent[] = [];
    for (let f = 0; f < frames; f++) {
      const scores = this.pending.shift();
      if (!scores) throw new Error('word timing: audio for a frame without attention');
      const samples = pcm.subarray(f * this.samplesPerFrame, (f + 1) * this.samplesPerFrame);
      events.push(...this.alignment.process(scores, isVoiced(samples), (this.frame * this.samplesPerFrame) / this.sampleRate));
      this.frame++;
    }
    return events.map((e) => this.mark(e));
  }

  /** After the chunk's last audio: the open word's end and times for words not reached. */
  finish(): WordMark[] {
    return this.alignment.finish((this.frame * this.samplesPerFrame) / this.sampleRate).map((e) => this.mark(e));
  }

  private mark(e: WordEvent): WordMark {
    const u = this.wordUnits[e.word]!;
    return { phase: e.phase, word: e.word, time: e.time, sourceStart: u.sourceStart, sourceEnd: u.sourceEnd, estimated: e.estimated };
  }
}
