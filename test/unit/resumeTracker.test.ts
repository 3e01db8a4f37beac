// After an engine restart the text chunk in progress is replayed; its word marks must reach the client exactly once,
// including estimated marks that ride on the chunk's last audio but lie in audio already handed out.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ResumeTracker } from '../../src/client/resumeTracker';
import type { AudioChunk, WordMark } from '../../src/shared/protocol';

const mark = (phase: 'start' | 'end', word: number, time: number, estimated = false): WordMark => ({ phase, word, time, sourceStart: word * 4, sourceEnd: word * 4 + 3, estimated });

/** Text chunk 0 as the engine delivers it: three audio chunks of 0.25 s, the last one closing the chunk. */
const run: AudioChunk[] = [
  { pcm: new Float32Array(6000).fill(1), words: [mark('start', 0, 0)] },
  { pcm: new Float32Array(6000).fill(2), words: [mark('end', 0, 0.3), mark('start', 1, 0.3)] },
  { pcm: new Float32Array(6000).fill(3), words: [mark('end', 1, 0.6, true), mark('start', 2, 0.1, true), mark('end', 2, 0.75, true)], chunkEnd: true },
].map((c, seq) => ({ seq, sampleRate: 24000, span: { start: 0, end: 12 }, textChunk: 0, frames: 3, chunkEnd: false, ...c }));

test('a replayed text chunk delivers its remaining audio and word marks once', () => {
  const t = new ResumeTracker();
  const out: AudioChunk[] = [];
  const take = (c: AudioChunk) => {
    const a = t.accept(c);
    if (a) out.push(a);
  };
  take(run[0]!);
  take(run[1]!);
  assert.deepEqual(t.resumePoint(), { textChunk: 0 }); // the engine died before the chunk ended
  for (const c of run) take(c);
  assert.deepEqual(out.flatMap((c) => c.words ?? []), run.flatMap((c) => c.words ?? []), 'every mark once, in order');
  assert.deepEqual(out.flatMap((c) => [...c.pcm]), run.flatMap((c) => [...c.pcm]), 'every sample once');
  assert.deepEqual(t.resumePoint(), { textChunk: 1 });
});
