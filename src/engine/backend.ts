/**
 * The handful of operations the pipeline needs from a model runtime. ONNX Runtime and CoreML both
 * implement this; everything runtime-specific (graph names, state layout, tensor handles) stays behind it.
 */
import type { ModelInfo } from '../shared/protocol';
import type { RawTensor } from './safetensors';

export type { ModelInfo };

/** A voice state file's tensors ("module/key", Kyutai's layout), ready to be written as `.safetensors`. */
export type SavedVoice = Map<string, RawTensor>;

/** A built-in voice by name, or a voice state file (`.safetensors`) by path. */
export type VoiceRef = { kind: 'builtin'; name: string } | { kind: 'file'; path: string };

/** Backend-owned state handles; the pipeline only reads how many positions they fill. */
export interface VoiceState {
  readonly positions: number;
}
export interface Sequence {
  readonly positions: number;
}
export type DecoderState = object;

/** A (layer, head) of the backbone whose attention follows the text (word timing, issue 12). */
export interface AttentionTap {
  layer: number;
  head: number;
}

export interface StepResult {
  /** The backbone's output for the flow head (conditioningDim floats). */
  conditioning: Float32Array;
  /** Raw EOS logit; compared against the threshold, no sigmoid. */
  eosLogit: number;
  /**
   * With attention taps configured: this step's attention weights (the step's last query row, softmax over every
   * key position as the graph computes it), tap-major: taps.length × positions, where positions = the sequence's
   * positions after this step.
   */
  attention?: Float32Array;
}

export interface Backend {
  readonly name: 'onnx' | 'coreml';
  readonly info: ModelInfo;
  /** Voice conditioning. Saved KV states are installed as they are; the caller caches the result. */
  prefillVoice(voice: VoiceRef): Promise<VoiceState>;
  /**
   * A fresh sequence that starts from a copy of the voice state (each text chunk gets one). `positions`
   * is how many more positions the chunk can use (text + frame budget), so a backend may size its
   * caches to the chunk instead of the model's maximum.
   */
  startSequence(voice: VoiceState, positions: number): Promise<Sequence>;
  /** Text conditioning after the voice: exactly tokenIds.length positions, never padded. */
  prefillText(seq: Sequence, tokenIds: readonly number[]): Promise<void>;
  /** One autoregressive backbone step; `latent === null` feeds the BOS latent. */
  step(seq: Sequence, latent: Float32Array | null): Promise<StepResult>;
  /** One flow-head evaluation: the velocity at times (s, t) for latent x. */
  flow(conditioning: Float32Array, s: number, t: number, x: Float32Array): Promise<Float32Array>;
  /** A fresh Mimi decoder state (one per text chunk). */
  startDecoder(): Promise<DecoderState>;
  /**
   * Decodes `frames` normalised latents (frames * latentDim floats, in order) into
   * frames * samplesPerFrame PCM samples. Calls on one decoder run in call order; a backend may run
   * them on another thread, so the pipeline can keep stepping while audio decodes.
   */
  decode(decoder: DecoderState, latents: Float32Array, frames: number): Promise<Float32Array>;
  /**
   * Voice cloning: `count` conditioning rows (count × conditioningDim: BOS-before-voice, then one speaker embedding
   * per 80 ms of recording) prefilled from an empty state, returned as a saved voice. Optional: a backend without
   * it (CoreML) leaves cloning to ONNX Runtime.
   */
  prefillSavedVoice?(rows: Float32Array, count: number): Promise<SavedVoice>;
  releaseSequence(seq: Sequence): void;
  releaseDecoder(decoder: DecoderState): void;
  dispose(): Promise<void>;
}
