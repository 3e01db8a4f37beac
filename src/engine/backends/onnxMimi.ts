/**
 * The streaming Mimi decoder graph: state threaded from call to call, fresh per text chunk. The export's decoder
 * also carries the encoder's state (voice cloning) and per-conv flags through unchanged; those are fed once and
 * never fetched, so a call copies out only the audio and the state that really moves.
 */
import * as ort from 'onnxruntime-node';
import { readFileSync } from 'node:fs';
import type { StateEntry } from '../modelFiles';
import { passThroughOutputs, readGraph } from './onnxModelRead';
import { createSession } from './onnxSession';
import { filledTensor } from './onnxState';

export class MimiDecoder {
  private readonly entries: StateEntry[];
  /** Entries whose output is a new value each call. */
  private readonly moving: StateEntry[];
  private readonly fetches: string[];

  private constructor(
    readonly session: ort.InferenceSession,
    manifest: readonly StateEntry[],
    passThrough: ReadonlySet<string>,
    private readonly latentDim: number,
  ) {
    // The manifest also lists encoder state; feed exactly what this graph declares.
    const inputs = new Set(session.inputNames);
    this.entries = manifest.filter((e) => inputs.has(e.input_name));
    this.moving = this.entries.filter((e) => !passThrough.has(e.output_name));
    this.fetches = ['audio_frame', ...this.moving.map((e) => e.output_name)];
  }

  static async load(file: string, manifest: readonly StateEntry[], latentDim: number, threads: number): Promise<MimiDecoder> {
    const bytes = readFileSync(file);
    let passThrough = new Set<string>();
    try {
      passThrough = passThroughOutputs(readGraph(bytes));
    } catch {
      // An unreadable graph is ORT's to report; threading every output is always correct.
    }
    return new MimiDecoder(await createSession(file, threads, bytes), manifest, passThrough, latentDim);
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
