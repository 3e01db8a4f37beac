/**
 * What a request has delivered, so that after an engine restart it resumes at the start of the text chunk in
 * progress without delivering anything twice: the replayed chunk's audio is trimmed up to the samples (and word
 * marks) already handed out. Chunk planning, per-chunk noise seeds and `fixed` decode batching make the replay
 * identical to the original, so the stitched stream equals an uninterrupted one.
 */
import type { AudioChunk, ResumePoint } from '../shared/protocol';

export class ResumeTracker {
  /** Text chunk whose audio is being delivered. */
  private chunk = -1;
  private chunkDone = false;
  /** Samples of `chunk` seen from the current engine, and the most ever handed out (kept across restarts). */
  private position = 0;
  private handedOut = 0;
  /** The same for word marks: a replay repeats them in the same order (estimated ones can lie in earlier audio). */
  private marks = 0;
  private marksHandedOut = 0;

  /** Where a restarted engine should begin. */
  resumePoint(): ResumePoint {
    if (this.chunk < 0) return { textChunk: 0 };
    if (this.chunkDone) return { textChunk: this.chunk + 1 };
    this.position = 0;
    this.marks = 0;
    return { textChunk: this.chunk };
  }

  /** The part of `c` not handed out before, or undefined when there is nothing new in it. */
  accept(c: AudioChunk): AudioChunk | undefined {
    if (c.textChunk !== this.chunk) {
      this.chunk = c.textChunk;
      this.position = 0;
      this.handedOut = 0;
      this.marks = 0;
      this.marksHandedOut = 0;
    }
    this.chunkDone = c.chunkEnd;
    const from = this.position;
    const before = this.handedOut;
    this.position += c.pcm.length;
    this.handedOut = Math.max(before, this.position);
    const drop = Math.min(c.pcm.length, Math.max(0, before - from));
    const pcm = drop > 0 ? c.pcm.subarray(drop) : c.pcm;
    const marksFrom = this.marks;
    const marksBefore = this.marksHandedOut;
    this.marks += c.words?.length ?? 0;
    this.marksHandedOut = Math.max(marksBefore, this.marks);
    const words = c.words?.slice(Math.max(0, marksBefore - marksFrom));
    if (pcm.length === 0 && !words?.length) return undefined;
    return { ...c, pcm, ...(c.words ? { words } : {}) };
  }
}
