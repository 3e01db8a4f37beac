/**
 * The backbone step inside the ONNX backend, with two implementations: the export's own graph (exportBackbone.ts,
 * the fallback for any graph) and the lean graph rebuilt from its weights (leanBackbone.ts).
 */
import type * as ort from 'onnxruntime-node';
import type { SavedVoice } from '../backend';
import type { RawTensor } from '../safetensors';

/** A voice's saved KV state ("module/key" tensors), validated, with the positions it fills. */
export interface VoiceKv {
  readonly name: string;
  readonly stored: Map<string, RawTensor>;
  readonly positions: number;
}

export interface BackboneSequence {
  /** Positions filled so far (voice, text, steps). */
  positions: number;
  /** Positions this sequence may fill. */
  readonly capacity: number;
}

export interface BackboneOutput {
  conditioning: Float32Array;
  eosLogit: number;
  /** The tapped heads' attention of the run's last row over every filled position, tap-major (see StepResult). */
  attention?: Float32Array;
}

export interface Backbone {
  readonly kind: 'export' | 'lean';
  /** Why the attention taps asked for are not returned (undefined: they are, or none were asked for). */
  readonly tapsUnavailable?: string;
  /** A sequence starting from the voice state (none: an empty state, voice cloning) that can grow to `capacity` positions. */
  start(voice: VoiceKv | undefined, capacity: number): BackboneSequence;
  /**
   * Runs `text` embeddings [1, L, D] then `latents` [1, S, latentDim] (a NaN row is BOS) at the sequence's next
   * positions; the outputs are the last row's.
   */
  run(seq: BackboneSequence, latents: ort.Tensor, text: ort.Tensor): Promise<BackboneOutput>;
  /** The positions filled so far as a saved voice (Kyutai's layout). */
  save(seq: BackboneSequence): SavedVoice;
  release(seq: BackboneSequence): void;
  dispose(): Promise<void>;
}
