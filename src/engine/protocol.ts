/**
 * The one message vocabulary between the engine client (extension host, CLI) and the engine worker.
 * PCM crosses as transferred ArrayBuffers, never copied.
 */
import type { ErrorCode } from './errors';
import type { ModelInfo } from './backend';

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
}

export interface TextSpan {
  start: number;
  end: number;
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
  /** The runtime that served the request (ONNX while CoreML is still warming up). */
  backend?: 'onnx' | 'coreml';
}

export type ClientMessage =
  | { type: 'load'; id: number; config: EngineConfig }
  | { type: 'synthesize'; id: number; text: string; options: SynthesisOptions }
  | { type: 'cancel'; id: number }
  | { type: 'dispose' }
  /** Test hook: an uncaught exception inside the worker after `afterMs`. */
  | { type: 'simulateCrash'; afterMs: number };

export type WorkerMessage =
  | { type: 'ready'; id: number; backend: 'onnx' | 'coreml'; info: ModelInfo; loadMs: number; note?: string }
  | ({ type: 'chunk'; id: number } & AudioChunk)
  /** With `message`: an engine note (CoreML warm-up), sent with the load's id; no text progress. */
  | { type: 'progress'; id: number; textChunk: number; textChunks: number; frames: number; message?: string }
  | { type: 'done'; id: number; stats: ChunkStats }
  | { type: 'error'; id: number; code: ErrorCode; message: string };
