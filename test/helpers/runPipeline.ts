/** Drives the shared pipeline over a golden's chunks at temperature 0 and measures the result against it. */
import type { Backend, VoiceState } from '../../src/engine/backend';
import { DEFAULT_EOS_THRESHOLD, generate, newStats } from '../../src/engine/pipeline';
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
  /** First EOS step per chunk: this run's, the reference's. */
  eosSteps: [(number | null)[], (number | null)[]];
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

const firstAbove = (logits: ArrayLike<number>, threshold = DEFAULT_EOS_THRESHOLD): number | null => {
  const i = Array.prototype.findIndex.call(logits, (x: number) => x > threshold);
  return i < 0 ? null : i;
};

export function diffs(g: Golden, r: PipelineRun): Diffs {
  const eos = Math.max(...g.chunks.map((_, i) => prefixDiff(r.eos[i], g.chunkEos(i))));
  const lengthsDiffer = r.latents.length !== g.latents.length || r.pcm.length !== g.pcm.length || g.chunks.some((_, i) => r.eos[i].length !== g.chunkEos(i).length);
  const eosSteps: Diffs['eosSteps'] = [r.eos.map((e) => firstAbove(e)), g.chunks.map((_, i) => firstAbove(g.chunkEos(i)))];
  return { frames: [r.frames, g.totalFrames], eosSteps, eos, latents: prefixDiff(r.latents, g.latents), pcm: prefixDiff(r.pcm, g.pcm), lengthsDiffer };
}

export interface Tolerance {
  eos: number;
  latents: number;
  pcm: number;
}

export const TOL: Tolerance = { eos: 1e-3, latents: 1e-4, pcm: 1e-4 };
/** Mimi's audio output is float16 on the CoreML contract: |x| < 2 rounds by up to 2^-11 ≈ 4.9e-4. */
export const TOL_PCM_FP16 = 1e-3;
/**
 * The INT8 set (dynamic per-tensor int8 backbone and flow head) against the fp32 PyTorch reference, measured on the
 * tiny model: EOS logits differ by up to 0.58, latents by 0.039, PCM by 0.022; the limits leave room for ~1.5× that.
 */
export const TOL_INT8: Tolerance = { eos: 0.9, latents: 0.06, pcm: 0.035 };

export function withinTolerance(d: Diffs, tol: Tolerance = { ...TOL, pcm: TOL_PCM_FP16 }): boolean {
  const sameEosSteps = d.eosSteps[0].length === d.eosSteps[1].length && d.eosSteps[0].every((s, i) => s === d.eosSteps[1][i]);
  return !d.lengthsDiffer && sameEosSteps && d.frames[0] === d.frames[1] && d.eos <= tol.eos && d.latents <= tol.latents && d.pcm <= tol.pcm;
}

export function fmt(d: Diffs): string {
  const steps = d.eosSteps.map((s) => s.join(',')).join(' vs ');
  return `frames ${d.frames[0]}/${d.frames[1]}${d.lengthsDiffer ? ' (prefix)' : ''}, EOS steps ${steps}, eos ${d.eos.toExponential(2)}, latents ${d.latents.toExponential(2)}, pcm ${d.pcm.toExponential(2)}`;
}
