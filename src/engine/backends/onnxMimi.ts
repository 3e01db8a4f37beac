/**
 * The streaming Mimi decoder graph: state threaded from call to call, fresh per text chunk. Trimmed at load (and
 * cached, graphCache.ts): the pass-through states the export hands straight back (the encoder's, per-conv flags) are
 * cut, and the transformer's 1000-slot ring cache shrinks to context + one call's positions, so a call moves and
 * attends over only what it needs. Calls then take at most MAX_FRAMES_PER_CALL frames (longer batches are split).
 */
import * as ort from 'onnxruntime-node';
import { existsSync, rmSync } from 'node:fs';
import type { StateEntry } from '../modelFiles';
import { derivedGraph } from './graphCache';
import { ringContext, shrinkRingCache, withoutPassThrough } from './onnxGraphEdit';
import { createSession } from './onnxSession';
import { filledTensor } from './onnxState';

const MAX_FRAMES_PER_CALL = 4;
const SCOPE = 'decoder_transformer';

/** The export's decoder without pass-through copies and, where the graph is the familiar one, with a small ring. */
function trimmed(bytes: Uint8Array, manifest: readonly StateEntry[]): Uint8Array {
  const graph = withoutPassThrough(bytes);
  const caches = manifest.filter((e) => e.key === 'cache' && e.module.includes(SCOPE));
  // The upsampler's overlap (kernel 2·stride − stride) is the transformer positions one latent frame becomes.
  const positionsPerFrame = manifest.find((e) => e.module === 'upsample.convtr' && e.key === 'partial')?.shape[2];
  const context = ringContext(graph, SCOPE);
  const length = caches[0]?.shape[3];
  if (!positionsPerFrame || !context || !length) return graph;
  const ring = context + positionsPerFrame * MAX_FRAMES_PER_CALL;
  if (ring >= length) return graph;
  return shrinkRingCache(graph, new Set(caches.flatMap((e) => [e.input_name, e.output_name])), SCOPE, length, ring) ?? graph;
}

export class MimiDecoder {
  /** States the graph reads, at the shapes it declares. */
  private readonly entries: StateEntry[];
  /** States it also returns (the rest keep their initial value). */
  private readonly moving: StateEntry[];
  private readonly fetches: string[];
  private readonly framesPerCall: number;

  private constructor(
    readonly session: ort.InferenceSession,
    manifest: readonly StateEntry[],
    private readonly latentDim: number,
  ) {
    // The manifest also lists encoder state; feed exactly what this graph declares.
    const declared = new Map(session.inputMetadata.map((m) => [m.name, m]));
    const outputs = new Set(session.outputNames);
    this.entries = manifest
      .filter((e) => declared.has(e.input_name))
      .map((e) => {
        const m = declared.get(e.input_name)!;
        const shape = m.isTensor && m.shape.every((d) => typeof d === 'number') ? (m.shape as number[]) : e.shape;
        return { ...e, shape };
      });
    this.moving = this.entries.filter((e) => outputs.has(e.output_name));
    this.fetches = ['audio_frame', ...this.moving.map((e) => e.output_name)];
    const shrunk = this.entries.some((e) => e.key === 'cache' && e.shape[3] !== manifest.find((m) => m.path === e.path)?.shape[3]);
    this.framesPerCall = shrunk ? MAX_FRAMES_PER_CALL : Infinity;
  }

  static async load(file: string, manifest: readonly StateEntry[], latentDim: number, threads: number): Promise<MimiDecoder> {
    let from: Uint8Array | string | undefined;
    try {
      const identity = [MAX_FRAMES_PER_CALL, trimmed, withoutPassThrough, shrinkRingCache, ringContext].map(String).join('\n');
      const derived = existsSync(file) ? derivedGraph(file, { kind: 'mimi', identity, build: (bytes) => trimmed(bytes, manifest) }) : undefined;
      from = derived && ('file' in derived ? derived.file : 'bytes' in derived ? derived.bytes : undefined);
    } catch {
      // A graph that cannot be edited loads as is; ORT reports real damage.
    }
    try {
      return new MimiDecoder(await createSession(file, threads, from), manifest, latentDim);
    } catch (e) {
      if (typeof from !== 'string') throw e;
      // A damaged cache entry: load the export as it is.
      rmSync(from, { force: true });
      return new MimiDecoder(await createSession(file, threads), manifest, latentDim);
    }
  }

  initialState(): Map<string, ort.Tensor> {
    return new Map(this.entries.map((e) => [e.input_name, filledTensor(e)]));
  }

  /** Decodes `frames` latents; returns the PCM and updates `state`. */
  async decode(state: Map<string, ort.Tensor>, latents: Float32Array, frames: number): Promise<Float32Array> {
    if (frames > this.framesPerCall) {
      const parts: Float32Array[] = [];
      for (let f = 0; f < frames; f += this.framesPerCall) {
        const n = Math.min(this.framesPerCall, frames - f);
        parts.push(await this.decode(state, latents.subarray(f * this.latentDim, (f + n) * this.latentDim), n));
      }
      const pcm = new Float32Array(parts.reduce((a, p) => a + p.length, 0));
      parts.reduce((o, p) => (pcm.set(p, o), o + p.length), 0);
      return pcm;
    }
    const feeds: Record<string, ort.Tensor> = { latent: new ort.Tensor('float32', latents, [1, frames, this.latentDim]) };
    for (const e of this.entries) feeds[e.input_name] = state.get(e.input_name)!;
    const out = await this.session.run(feeds, this.fetches);
    for (const e of this.moving) state.set(e.input_name, out[e.output_name] as ort.Tensor);
    return out.audio_frame.data as Float32Array;
  }

  release(): Promise<void> {
    return this.session.release();
  }
}
