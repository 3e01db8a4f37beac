/**
 * The streaming Mimi decoder graph: state threaded from call to call, fresh per text chunk. The export's decoder
 * also hands the encoder's state (voice cloning) and per-conv flags straight back; those copies are cut from the
 * graph at load (onnxGraphEdit.ts), so a call moves only the audio and the state that changes.
 */
import * as ort from 'onnxruntime-node';
import { existsSync, rmSync } from 'node:fs';
import { derivedGraph } from './graphCache';
import type { StateEntry } from '../modelFiles';
import { withoutPassThrough } from './onnxGraphEdit';
import { createSession } from './onnxSession';
import { filledTensor } from './onnxState';

export class MimiDecoder {
  /** States the graph reads. */
  private readonly entries: StateEntry[];
  /** States it also returns (the rest keep their initial value). */
  private readonly moving: StateEntry[];
  private readonly fetches: string[];

  private constructor(
    readonly session: ort.InferenceSession,
    manifest: readonly StateEntry[],
    private readonly latentDim: number,
  ) {
    // The manifest also lists encoder state; feed exactly what this graph declares.
    const inputs = new Set(session.inputNames);
    const outputs = new Set(session.outputNames);
    this.entries = manifest.filter((e) => inputs.has(e.input_name));
    this.moving = this.entries.filter((e) => outputs.has(e.output_name));
    this.fetches = ['audio_frame', ...this.moving.map((e) => e.output_name)];
  }

  static async load(file: string, manifest: readonly StateEntry[], latentDim: number, threads: number): Promise<MimiDecoder> {
    let from: Uint8Array | string | undefined;
    try {
      const derived = existsSync(file) ? derivedGraph(file, { kind: 'mimi', identity: String(withoutPassThrough), build: withoutPassThrough }) : undefined;
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
