/**
 * The one message vocabulary between the engine client (extension host, CLI) and the engine process (or, where a
 * child process cannot load the runtime, an engine thread). Messages are structured-cloned, so PCM crosses as
 * typed arrays, never JSON.
 */
import type { ErrorCode } from './errors';

export type BackendChoice = 'auto' | 'onnx' | 'coreml';

export interface EngineConfig {
  /** Folder with the model set (bundle.json, graphs, tokenizer.model, voices). */
  modelDir: string;
  backend: BackendChoice;
  /** Intra-op threads for the backbone session; the Mimi decoder gets its own thread. */
  threads?: number;
  /** Run the Mimi decoder on a second worker thread so it overlaps the backbone (default true). */
  decoderThread?: boolean;
  /** CoreML only: model folder of the CoreML step set and compute-unit overrides. */
  coremlDir?: string;
  coremlComputeUnits?: Record<string, string>;
}

export interface SynthesisOptions {
  /** A built-in voice name or a path to a voice `.safetensors` state file. */
  voice: string;
  /** Noise variance; 0 makes generation deterministic. */
  temperature: number;
  lsdSteps: number;
  seed: number;
  eosThreshold?: number;
  /** Overrides the official frames-after-EOS rule. */
  framesAfterEos?: number;
  /** Per-chunk cap on generated frames; EOS is ignored when `ignoreEos` (benchmarks). */
  maxFrames?: number;
  ignoreEos?: boolean;
  /** Largest Mimi batch once playback is under way; the first frame is always decoded alone. */
  maxDecodeBatch?: number;
  /**
   * `adaptive` (default) batches Mimi frames while the decoder is busy: lowest latency for playback. `fixed` decodes
   * each text chunk's first frame alone, then in groups of maxDecodeBatch: the audio is then a pure function of the
   * text, seed and model, so a resumed request or a re-run writes the same samples (saving to a file).
   */
  decodeBatching?: 'adaptive' | 'fixed';
}

export interface TextSpan {
  start: number;
  end: number;
}

/**
 * A word boundary found by attention alignment (issue 12). Times are seconds from the start of the text chunk's
 * audio; offsets index the request text, like `span`.
 */
export interface WordMark {
  phase: 'start' | 'end';
  /** Index of the word within its text chunk. */
  word: number;
  time: number;
  sourceStart: number;
  sourceEnd: number;
  /** Interpolated (the alignment did not reach or skipped the word), not observed. */
  estimated: boolean;
}

/** One piece of streamed audio. */
export interface AudioChunk {
  /** Running index of audio chunks in this request. */
  seq: number;
  pcm: Float32Array;
  sampleRate: number;
  /** Source span (offsets into the request text) this audio speaks. */
  span: TextSpan;
  /** Index of the text chunk (≤ 50 tokens) the audio belongs to. */
  textChunk: number;
  frames: number;
  /** Word boundaries that fall inside this audio (model sets with timestamp heads only). */
  words?: WordMark[];
  /** The last audio of its text chunk (the client resumes a restarted engine after it, not at it). */
  chunkEnd: boolean;
}

export interface ChunkStats {
  frames: number;
  audioSeconds: number;
  wallMs: number;
  firstAudioMs: number;
  /** Audio seconds per wall second. */
  realTimeFactor: number;
  /** Per-frame milliseconds by stage, measured inside the worker. */
  backboneMs: number;
  flowMs: number;
  decodeMs: number;
  /** CPU time of the engine's process during the request, all threads (the Mimi thread included). */
  cpuMs: number;
  /** Peak resident memory of the engine's process so far. */
  peakRssMb: number;
  /** The runtime that served the request (ONNX while CoreML is still warming up). */
  backend?: 'onnx' | 'coreml';
  /** Engine restarts the request survived (the client resumed it each time); the timings cover the last run. */
  restarts?: number;
}

/**
 * One-shot engine calls (request → one result), typed by method. Add a method here and a handler in the engine;
 * EngineClient.call() is the host side.
 */
export interface EngineCalls {
  /**
   * A voice from a recording: the engine reads the WAV file (at most its first 30 s) and returns a voice state
   * file's bytes, in the built-in voices' format; the caller writes it. `metadata` is stored in the file's header.
   */
  cloneVoice: { params: { recording: string; metadata?: Record<string, string> }; result: ClonedVoice };
}

/** Something about a recording the user should know; the voice was made anyway. */
export interface VoiceNotice {
  kind: 'cut' | 'short' | 'clipping';
  message: string;
}

export interface ClonedVoice {
  safetensors: Uint8Array;
  notices: VoiceNotice[];
  /** Seconds of the recording the voice was made from (after any cut). */
  seconds: number;
  /** Positions the voice fills in the model's context (BOS-before-voice + one per 80 ms frame). */
  positions: number;
}
export type EngineMethod = keyof EngineCalls;

/** Where a resumed request starts again: the first text chunk not yet delivered in full. */
export interface ResumePoint {
  textChunk: number;
}

export type ClientMessage =
  | { type: 'load'; id: number; config: EngineConfig }
  | { type: 'synthesize'; id: number; text: string; options: SynthesisOptions; resume?: ResumePoint }
  | { [M in EngineMethod]: { type: 'call'; id: number; method: M; params: EngineCalls[M]['params'] } }[EngineMethod]
  | { type: 'cancel'; id: number }
  /** Liveness: answered with `pong` from the engine's event loop (a blocked or stopped engine stays silent). */
  | { type: 'ping'; n: number }
  | { type: 'dispose' }
  /** Test hook: an uncaught exception inside the engine after `afterMs`. */
  | { type: 'simulateCrash'; afterMs: number };

export type EngineMessage =
  | { type: 'ready'; id: number; backend: 'onnx' | 'coreml'; info: ModelInfo; loadMs: number; note?: string }
  | ({ type: 'chunk'; id: number } & AudioChunk)
  /** With `message`: an engine note (CoreML warm-up), sent with the load's id; no text progress. */
  | { type: 'progress'; id: number; textChunk: number; textChunks: number; frames: number; message?: string }
  | { type: 'done'; id: number; stats: ChunkStats }
  | { type: 'result'; id: number; value: EngineCalls[EngineMethod]['result'] }
  /** `detail`: the runtime's raw text behind a plain message (logged, not shown). */
  | { type: 'error'; id: number; code: ErrorCode; message: string; detail?: string }
  | { type: 'pong'; n: number };

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
  /** Steps return attention of the bundle's timestamp heads, so audio chunks carry word marks. */
  wordTimestamps: boolean;
  /** Why there is no word timing (for the log), when wordTimestamps is false. */
  noWordTiming?: string;
}
