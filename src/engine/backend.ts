/**
 * The handful of operations the pipeline needs from a model runtime. ONNX Runtime and CoreML both
 * implement this; everything runtime-specific (graph names, state layout, tensor handles) stays behind it.
 */

/** Facts about a loaded model set, read from its files; nothing here is hard-coded per model size. */
export interface ModelInfo {
  sampleRate: number;
  samplesPerFrame: number;
  latentDim: number;
  conditioningDim: number;
  maxTokensPerChunk: number;
  insertBosBeforeVoice: boolean;
  removeSemicolons: boolean;
  padWithSpacesForShortInputs: boolean;
  /** Overrides the frames-after-EOS guess when the model's config recommends a value (french_24l: 8). */
  recommendedFramesAfterEos: number | null;
  /** Positions one sequence can hold (voice + text + generated frames). */
  contextCapacity: number;
  builtinVoices: string[];
}

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

export interface StepResult {
  /** The backbone's output for the flow head (conditioningDim floats). */
  conditioning: Float32Array;
  /** Raw EOS logit; compared against the threshold, no sigmoid. */
  eosLogit: number;
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
  releaseSequence(seq: Sequence): void;
  releaseDecoder(decoder: DecoderState): void;
  dispose(): Promise<void>;
}
