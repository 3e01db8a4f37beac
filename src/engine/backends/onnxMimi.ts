/** The streaming Mimi decoder graph: state threaded from call to call, fresh per text chunk. */
import * as ort from 'onnxruntime-node';
import type { StateEntry } from '../modelFiles';
import { filledTensor } from './onnxState';

export class MimiDecoder {
  private readonly entries: StateEntry[];

  constructor(
    private readonly session: ort.InferenceSession,
    manifest: readonly StateEntry[],
    private readonly latentDim: number,
  ) {
    // The manifest also lists encoder state; feed exactly what this graph declares.
    const inputs = new Set(session.inputNames);
    this.entries = manifest.filter((e) => inputs.has(e.input_name));
  }

  initialState(): ort.Tensor[] {
    return this.entries.map(filledTensor);
  }

  /** Decodes `frames` latents; returns the PCM and the next state. */
  async decode(state: ort.Tensor[], latents: Float32Array, frames: number): Promise<{ pcm: Float32Array; state: ort.Tensor[] }> {
    const feeds: Record<string, ort.Tensor> = {
      latent: new ort.Tensor('float32', latents, [1, frames, this.latentDim]),
    };
    this.entries.forEach((e, i) => (feeds[e.input_name] = state[i]));
    const out = await this.session.run(feeds);
    return {
      pcm: out.audio_frame.data as Float32Array,
      state: this.entries.map((e) => out[e.output_name]),
    };
  }
}
