/** Drives the shared pipeline over a golden's chunks at temperature 0 and measures the result against it. */
import type { Backend, VoiceState } from '../../src/engine/backend';
import { generate, newStats } from '../../src/engine/pipeline';
import { maxAbsDiff, type Golden } from './golden';

export interface PipelineRun {
  eos: number[][];
  /** Each step's input latent (so every emitted latent when the chunk ends on EOS). */
  latents: Float32Array;
  pcm: Float32Array;
  frames: number;
  /** Sequence positions right after each chunk's text prefill. */
  positionsAfterPrefill: number[];
}

export async function runOnGolden(backend: Backend, voice: VoiceState, g: Golden): Promise<PipelineRun> {
  const eos: number[][] = g.chunks.map(() => []);
  const latents: number[] = [];
  const pcm: number[] = [];
  const positionsAfterPrefill: number[] = [];
  // Observe prefill without changing it: the pipeline's own backend calls go through this view.
  const observed: Backend = Object.create(backend, {
    prefillText: {
      value: async (seq: { positions: number }, ids: readonly number[]) => {
        await backend.prefillText(seq, ids);
        positionsAfterPrefill.push(seq.positions);
      },
    },
  });
  const chunks = g.chunks.map((c, i) => ({ tokenIds: c.token_ids, start: i, end: i + 1, framesAfterEos: c.frames_after_eos }));
  const stats = newStats();
  for await (const out of generate(observed, voice, chunks, {
    temperature: 0,
    lsdSteps: g.lsdSteps,
    seed: 1,
    onStep: (s) => {
      eos[s.textChunk].push(s.eosLogit);
      if (s.latent) latents.push(...s.latent);
    },
  }, stats)) {
    for (const x of out.pcm) pcm.push(x);
  }
  return { eos, latents: Float32Array.from(latents), pcm: Float32Array.from(pcm), frames: stats.frames, positionsAfterPrefill };
}

export interface Diffs {
  frames: [number, number];
  /** Max |difference| over the common prefix (sequences of different length also fail withinTolerance). */
  eos: number;
  latents: number;
  pcm: number;
  lengthsDiffer: boolean;
}

function prefixDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = Math.min(a.length, b.length);
  return maxAbsDiff(Array.prototype.slice.call(a, 0, n), Array.prototype.slice.call(b, 0, n));
}

export function diffs(g: Golden, r: PipelineRun): Diffs {
  const eos = Math.max(...g.chunks.map((_, i) => prefixDiff(r.eos[i], g.chunkEos(i))));
  const lengthsDiffer = r.latents.length !== g.latents.length || r.pcm.length !== g.pcm.length || g.chunks.some((_, i) => r.eos[i].length !== g.chunkEos(i).length);
  return { frames: [r.frames, g.totalFrames], eos, latents: prefixDiff(r.latents, g.latents), pcm: prefixDiff(r.pcm, g.pcm), lengthsDiffer };
}

export const TOL = { eos: 1e-3, latents: 1e-4, pcm: 1e-4 };
/** Mimi's audio output is float16 on the CoreML contract: |x| < 2 rounds by up to 2^-11 ≈ 4.9e-4. */
export const TOL_PCM_FP16 = 1e-3;

export function withinTolerance(d: Diffs, pcmTol = TOL_PCM_FP16): boolean {
  return !d.lengthsDiffer && d.frames[0] === d.frames[1] && d.eos <= TOL.eos && d.latents <= TOL.latents && d.pcm <= pcmTol;
}

export function fmt(d: Diffs): string {
  return `frames ${d.frames[0]}/${d.frames[1]}${d.lengthsDiffer ? ' (prefix)' : ''}, eos ${d.eos.toExponential(2)}, latents ${d.latents.toExponential(2)}, pcm ${d.pcm.toExponential(2)}`;
}
