/** Everything one worker holds: the backend, the tokenizer and cached voice states; text in, audio out. */
import { statSync } from 'node:fs';
import { encodeVoice } from './backends/onnxEncoder';
import type { Backend, SavedVoice, VoiceState } from './backend';
import { coremlWanted, createBackend, loadCoreML, loadOnnxBackend, type BackendFactoryDeps } from './backendFactory';
import type { WarmUp } from './coremlWarmup';
import { resolveOnnxFiles, type OnnxModelFiles } from './modelFiles';
import { generate, newStats, type AudioOut, type GenerateStats } from './pipeline';
import type { EngineConfig, ResumePoint, SynthesisOptions } from '../shared/protocol';
import { isVoiceFile } from '../shared/voiceFiles';
import { iterateChunks } from '../text/chunk';
import { loadSentencePiece } from '../text/sentencePiece';
import type { Tokenizer } from '../text/tokenizer';
import type { VoiceEncode } from './voiceEncoderThread';

export const PREPARING_COREML = 'Preparing CoreML model…';

export interface EngineLoadOptions {
  deps?: BackendFactoryDeps;
  /** Without it CoreML loads in the foreground as before; with it, ONNX serves while this warms CoreML up. */
  warmUp?: WarmUp;
  /** Warm-up progress and the CoreML switch (or why it did not happen). */
  onNote?: (message: string) => void;
  /** Per CoreML set + compute units: warmed (true) or the failure reason. Defaults to this thread's map. */
  warmState?: Map<string, true | string>;
  /** Runs the voice encoder (default: on this thread). */
  encodeVoice?: VoiceEncode;
}

/** Warm-up outcomes in this thread, so a reload neither warms twice nor retries a failed set. */
const threadWarmState = new Map<string, true | string>();

/** A request's stats plus the backend that served it. */
export type RequestStats = GenerateStats & { backend?: Backend };

export class Engine {
  /** Voice states by name, with the file's size and time (a voice file replaced on disk is read again). */
  private readonly voices = new Map<string, { version: string; state: Promise<VoiceState> }>();
  private active = 0;
  private disposed = false;
  /** Set once warm-up succeeded: loads CoreML on this thread, run only while no request is active. */
  private pendingCoreML: (() => Promise<void>) | undefined;
  private swapping: Promise<void> | undefined;
  private warming: Promise<void> | undefined;

  private constructor(
    private current: Backend,
    readonly tokenizer: Tokenizer,
    readonly note: string | undefined,
    readonly files: OnnxModelFiles,
    private readonly config: EngineConfig,
    private readonly opts: EngineLoadOptions,
  ) {}

  /** The voice encoder, where the engine runs it. */
  get encodeVoice(): VoiceEncode {
    return this.opts.encodeVoice ?? encodeVoice;
  }

  /** The backend new requests get (it can change from ONNX to CoreML between requests). */
  get backend(): Backend {
    return this.current;
  }

  static async load(config: EngineConfig, opts: EngineLoadOptions = {}): Promise<Engine> {
    const files = resolveOnnxFiles(config.modelDir);
    const tokenizer = loadSentencePiece(files.tokenizer);
    const state = opts.warmState ?? threadWarmState;
    const key = JSON.stringify([config.coremlDir, config.coremlComputeUnits ?? {}]);
    const prior = state.get(key);
    if (opts.warmUp && prior !== true && coremlWanted(config, opts.deps)) {
      const backend = await loadOnnxBackend(config, files, opts.deps);
      const note = typeof prior === 'string' ? `CoreML not used (${prior}); using ONNX Runtime` : `${PREPARING_COREML} (using ONNX Runtime meanwhile)`;
      const e = new Engine(backend, await tokenizer, note, files, config, opts);
      if (prior === undefined) e.warmInBackground(config, files, opts, (v) => state.set(key, v));
      return e;
    }
    const [{ backend, note }, tok] = await Promise.all([createBackend(config, files, opts.deps), tokenizer]);
    return new Engine(backend, tok, note, files, config, opts);
  }

  /** Warm-up off-thread, then a (now fast) CoreML load here between requests, then the swap. */
  private warmInBackground(config: EngineConfig, files: OnnxModelFiles, opts: EngineLoadOptions, remember: (v: true | string) => void): void {
    const note = opts.onNote ?? (() => undefined);
    const failed = (reason: string) => {
      remember(reason);
      note(`CoreML not used (${reason}); staying on ONNX Runtime`);
    };
    note(PREPARING_COREML);
    this.warming = opts.warmUp!(config, (done, total) => note(`${PREPARING_COREML} (${done}/${total})`)).then(
      () => {
        this.pendingCoreML = async () => {
          const r = await loadCoreML(config, files, opts.deps);
          if (!('backend' in r)) return failed(r.reason);
          remember(true);
          if (this.disposed) return r.backend.dispose();
          const old = this.current;
          this.current = r.backend;
          this.voices.clear(); // voice states belong to the backend that made them
          await old.dispose();
          note('CoreML model ready; later requests use CoreML');
        };
        this.loadPendingWhenIdle();
      },
      (e: unknown) => failed((e instanceof Error ? e.message : String(e)).split('\n')[0]),
    );
  }

  /** Deferred a turn so the worker sends `done` before a (synchronous) CoreML load can block this thread. */
  private loadPendingWhenIdle(): void {
    setImmediate(() => {
      const load = this.pendingCoreML;
      if (!load || this.active > 0 || this.swapping || this.disposed) return;
      this.pendingCoreML = undefined;
      this.swapping = load()
        .catch(() => undefined)
        .finally(() => (this.swapping = undefined));
    });
  }

  /** Voice states are read once per worker (again when the file changed); each text chunk starts from a fresh copy. */
  voice(name: string): Promise<VoiceState> {
    const isFile = isVoiceFile(name);
    const version = isFile ? fileVersion(name) : '';
    const cached = this.voices.get(name);
    if (cached?.version === version) return cached.state;
    const state = this.backend.prefillVoice(isFile ? { kind: 'file', path: name } : { kind: 'builtin', name });
    const entry = { version, state };
    state.catch(() => {
      if (this.voices.get(name) === entry) this.voices.delete(name);
    });
    this.voices.set(name, entry);
    return state;
  }

  /**
   * Voice cloning's backbone prefill, on the current backend or, when it cannot (CoreML), on a temporary ONNX Runtime
   * one. Counts as a request, so no CoreML swap happens meanwhile.
   */
  async prefillSavedVoice(rows: Float32Array, count: number): Promise<SavedVoice> {
    this.active++;
    try {
      while (this.swapping) await this.swapping;
      if (this.current.prefillSavedVoice) return await this.current.prefillSavedVoice(rows, count);
      const onnx = await loadOnnxBackend({ ...this.config, decoderThread: false }, this.files, this.opts.deps);
      try {
        return await onnx.prefillSavedVoice!(rows, count);
      } finally {
        await onnx.dispose();
      }
    } finally {
      if (--this.active === 0) this.loadPendingWhenIdle();
    }
  }

  async *synthesize(
    text: string,
    options: SynthesisOptions,
    signal?: AbortSignal,
    onProgress?: (p: { textChunk: number; frames: number }) => void,
    stats: RequestStats = newStats(),
    resume?: ResumePoint,
  ): AsyncGenerator<AudioOut> {
    this.active++;
    try {
      // Never swap mid-request: a swap in progress finishes first, and none starts while active > 0.
      while (this.swapping) await this.swapping;
      stats.backend = this.current;
      yield* this.run(this.current, text, options, signal, onProgress, stats, resume?.textChunk ?? 0);
    } finally {
      if (--this.active === 0) this.loadPendingWhenIdle();
    }
  }

  private async *run(
    backend: Backend,
    text: string,
    options: SynthesisOptions,
    signal: AbortSignal | undefined,
    onProgress: ((p: { textChunk: number; frames: number }) => void) | undefined,
    stats: GenerateStats,
    firstTextChunk: number,
  ): AsyncGenerator<AudioOut> {
    const info = backend.info;
    // The planner rejects empty or unspeakable text before anything is loaded.
    const chunks = iterateChunks(text, this.tokenizer, {
      maxTokens: info.maxTokensPerChunk,
      removeSemicolons: info.removeSemicolons,
      padWithSpaces: info.padWithSpacesForShortInputs,
      recommendedFramesAfterEos: info.recommendedFramesAfterEos,
      words: info.wordTimestamps,
    });
    const voice = await this.voice(options.voice);
    const { voice: _voice, ...generation } = options;
    // Chunk planning is deterministic, so a resumed request re-plans and skips what was already delivered.
    yield* generate(backend, voice, drop(chunks, firstTextChunk), { ...generation, signal, onProgress, firstTextChunk }, stats);
  }

  /** Resolves when the background warm-up (if any) has settled and any CoreML swap has finished (tests). */
  async settled(): Promise<void> {
    await this.warming;
    await new Promise((r) => setImmediate(r));
    while (this.swapping) await this.swapping;
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    this.pendingCoreML = undefined;
    await this.swapping;
    await this.current.dispose();
  }
}

function* drop<T>(items: Iterable<T>, n: number): Generator<T> {
  let i = 0;
  for (const item of items) if (i++ >= n) yield item;
}

/** Size and modification time of a file, or "missing" (the backend then reports it). */
function fileVersion(file: string): string {
  try {
    const st = statSync(file);
    return `${st.size}:${st.mtimeMs}`;
  } catch {
    return 'missing';
  }
}
