/**
 * CoreML backend over the FluidInference/pocket-tts-coreml v2 per-step models, driven through the
 * pocket_coreml addon API (injected, so tests run it on an onnxruntime stand-in):
 *   voice   = KV snapshot installed into zeroed caches (positions = its offset), or legacy prompt rows
 *             through cond_step;
 *   text    = one cond_step call per token, embedding rows from text_embed_table.bin, never padded,
 *             always after the voice (trial log bugs 3 and 5);
 *   step    = flowlm_step with the KV state threaded as native handles;
 *   flow    = flow_decoder with explicit s and t (bugs 1 and 2 are the pipeline's schedule, passed through);
 *   decode  = mimi_decoder per frame, its float16 audio converted by read().
 */
import path from 'node:path';
import type { Backend, DecoderState, ModelInfo, Sequence, StepResult, VoiceRef, VoiceState } from '../backend';
import { EngineError } from '../../shared/errors';
import { readSafetensors } from '../safetensors';
import { builtinVoiceSource, listVoices, readBosEmb, readF32, readMimiInit, readTextEmbeddings, type TextEmbeddings, type VoiceSource } from './coremlConstants';
import { resolveCoreMLFiles, type CoreMLModelFiles, type ResolveCoreMLOptions } from '../../shared/coremlFiles';
import { loadCoreMLModels, resolveComputeUnits, type CoreMLModels } from './coremlModels';
import type { CoreMLRuntime, CoreMLTensor } from './coremlRuntime';
import { LayerState, MimiState, snapshotCaches, zeroLayerState } from './coremlState';

/** Pocket TTS constants the models do not carry: 12.5 latent frames per second (24 kHz at 1920 samples). */
const FRAME_RATE = 12.5;

/** Language-config facts (text policy) that live in the ONNX bundle.json, not in a CoreML pack. */
export type TextPolicy = Pick<ModelInfo, 'maxTokensPerChunk' | 'insertBosBeforeVoice' | 'removeSemicolons' | 'padWithSpacesForShortInputs' | 'recommendedFramesAfterEos'>;

/** English defaults (the only language of the default pack). */
export const ENGLISH_TEXT_POLICY: TextPolicy = {
  maxTokensPerChunk: 50,
  insertBosBeforeVoice: true,
  removeSemicolons: false,
  padWithSpacesForShortInputs: false,
  recommendedFramesAfterEos: null,
};

export interface CoreMLBackendOptions extends ResolveCoreMLOptions {
  /** Per-model compute-unit overrides (cond_step, flowlm_step, flow_decoder, mimi_decoder). */
  computeUnits?: Record<string, string>;
  text?: TextPolicy;
}

class CoreMLVoice implements VoiceState {
  constructor(
    readonly state: LayerState,
    readonly positions: number,
  ) {}
}

class CoreMLSequence implements Sequence {
  constructor(
    public state: LayerState,
    public positions: number,
  ) {}
}

class CoreMLDecoder {
  /** Decodes on one decoder run strictly in call order (each threads the previous call's state). */
  tail: Promise<unknown> = Promise.resolve();
  constructor(public state: MimiState) {}
}

export class CoreMLBackend implements Backend {
  readonly name = 'coreml' as const;
  private readonly voices: LayerState[] = [];
  private readonly bosEmb: CoreMLTensor;
  private readonly mimiInit: MimiState;
  private readonly nanLatent: Float32Array;

  private constructor(
    readonly info: ModelInfo,
    readonly files: CoreMLModelFiles,
    private readonly rt: CoreMLRuntime,
    private readonly m: CoreMLModels,
    private readonly embeddings: TextEmbeddings,
  ) {
    const { latentDim } = m.dims;
    this.bosEmb = rt.tensor(readBosEmb(files.constantsDir, latentDim), [latentDim]);
    const init: Record<string, CoreMLTensor> = {};
    for (const s of m.mimiKeys.state) init[s.input] = rt.tensor(readMimiInit(files.constantsDir, s.input, s.shape), s.shape);
    this.mimiInit = new MimiState(init, false);
    this.nanLatent = new Float32Array(latentDim).fill(NaN);
  }

  static async load(rt: CoreMLRuntime, dir: string, opts: CoreMLBackendOptions = {}): Promise<CoreMLBackend> {
    const files = resolveCoreMLFiles(dir, opts);
    const units = resolveComputeUnits(opts.computeUnits);
    const m = await loadCoreMLModels(rt, files, units);
    const embeddings = readTextEmbeddings(files.constantsDir, m.dims.conditioningDim);
    const info: ModelInfo = {
      ...(opts.text ?? ENGLISH_TEXT_POLICY),
      sampleRate: Math.round(m.dims.samplesPerFrame * FRAME_RATE),
      samplesPerFrame: m.dims.samplesPerFrame,
      latentDim: m.dims.latentDim,
      conditioningDim: m.dims.conditioningDim,
      contextCapacity: m.dims.contextCapacity,
      builtinVoices: listVoices(files.constantsDir),
      wordTimestamps: false,
      noWordTiming: 'the CoreML models do not expose attention',
    };
    return new CoreMLBackend(info, files, rt, m, embeddings);
  }

  /** Compute units each model was loaded with (reported, and asserted by tests). */
  get computeUnits(): Record<string, string> {
    return {
      cond_step: this.m.condStep.computeUnits,
      flowlm_step: this.m.flowlmStep.computeUnits,
      flow_decoder: this.m.flowDecoder.computeUnits,
      mimi_decoder: this.m.mimiDecoder.computeUnits,
    };
  }

  async prefillVoice(voice: VoiceRef): Promise<VoiceState> {
    const name = voice.kind === 'builtin' ? voice.name : voice.path;
    const src: VoiceSource =
      voice.kind === 'builtin'
        ? builtinVoiceSource(this.files.constantsDir, voice.name)
        : { kind: voice.path.endsWith('.bin') ? 'prompt' : 'snapshot', file: path.resolve(voice.path) };
    if (src.kind === 'prompt') {
      const rows = readF32(src.file, `voice ${name}`);
      const d = this.info.conditioningDim;
      if (rows.length === 0 || rows.length % d !== 0) throw new EngineError('UNKNOWN_VOICE', `voice ${name}: ${rows.length} floats are not rows of ${d}`);
      return this.prefillVoiceRows(rows, rows.length / d);
    }
    const { caches, positions } = snapshotCaches(await readSafetensors(src.file), this.m.condKeys, name);
    const shape = this.m.condKeys.cacheShape;
    const state = new LayerState(
      caches.map((c) => this.rt.tensor(c, shape)),
      caches.map(() => this.rt.tensor(Float32Array.of(positions), [1])),
      true,
    );
    this.voices.push(state);
    return new CoreMLVoice(state, positions);
  }

  /** A voice from conditioning rows ([count, D], BOS-before-voice included) fed through cond_step from position 0. */
  async prefillVoiceRows(rows: Float32Array, count: number): Promise<VoiceState> {
    const seq = new CoreMLSequence(zeroLayerState(this.rt, this.m.condKeys), 0);
    await this.prefillConditioning(seq, rows, count);
    this.voices.push(seq.state);
    return new CoreMLVoice(seq.state, seq.positions);
  }

  /** The caches have the model's fixed capacity, so the chunk's size hint is not needed. */
  async startSequence(voice: VoiceState, _positions?: number): Promise<Sequence> {
    const v = voice as CoreMLVoice;
    return new CoreMLSequence(v.state.borrow(), v.positions);
  }

  async prefillText(seq: Sequence, tokenIds: readonly number[]): Promise<void> {
    if (tokenIds.length === 0) return;
    const s = seq as CoreMLSequence;
    const expected = s.positions + tokenIds.length;
    await this.prefillConditioning(s, this.embedTokens(tokenIds), tokenIds.length);
    // Voice first, then exactly one position per token: the models' own counters must agree. Reads L
    // floats once per chunk (the caches themselves never leave native memory).
    const native = s.state.positions.map((h) => this.rt.read(h)[0]);
    if (s.positions !== expected || native.some((p) => p !== expected)) {
      throw new EngineError('INTERNAL', `CoreML text prefill ended at position ${native.join('/')} (host ${s.positions}); expected voice + text = ${expected}`);
    }
  }

  /** Text token ids -> rows of text_embed_table.bin ([n, D]). */
  embedTokens(tokenIds: readonly number[]): Float32Array {
    const { dim, rows, table } = this.embeddings;
    const out = new Float32Array(tokenIds.length * dim);
    tokenIds.forEach((id, i) => {
      if (!Number.isInteger(id) || id < 0 || id >= rows) throw new EngineError('INTERNAL', `token id ${id} is outside the ${rows}-row embedding table`);
      out.set(table.subarray(id * dim, (id + 1) * dim), i * dim);
    });
    return out;
  }

  /** Feeds `count` conditioning rows through cond_step, one position per call (never padded). */
  async prefillConditioning(seq: Sequence, rows: Float32Array, count: number): Promise<void> {
    const s = seq as CoreMLSequence;
    const d = this.info.conditioningDim;
    this.checkCapacity(s, count);
    const keys = this.m.condKeys;
    for (let i = 0; i < count; i++) {
      const out = await this.m.condStep.predict({
        conditioning: { data: rows.slice(i * d, (i + 1) * d), shape: [1, 1, d] },
        ...s.state.feeds(keys),
      });
      s.state = s.state.next(keys, out);
      s.positions += 1;
    }
  }

  async step(seq: Sequence, latent: Float32Array | null): Promise<StepResult> {
    const s = seq as CoreMLSequence;
    this.checkCapacity(s, 1);
    const keys = this.m.stepKeys;
    const { latentDim } = this.info;
    // NaN is the BOS marker: the model substitutes bos_emb (the v2 NaN-BOS protocol).
    const out = await this.m.flowlmStep.predict({
      sequence: { data: latent ?? this.nanLatent, shape: [1, 1, latentDim] },
      bos_emb: this.bosEmb,
      ...s.state.feeds(keys),
    });
    s.state = s.state.next(keys, out);
    s.positions += 1;
    const h = out[keys.transformerOut!];
    const eos = out[keys.eosLogit!];
    const conditioning = this.rt.read(h);
    const eosLogit = this.rt.read(eos)[0];
    h.dispose();
    eos.dispose();
    return { conditioning, eosLogit };
  }

  async flow(conditioning: Float32Array, s: number, t: number, x: Float32Array): Promise<Float32Array> {
    const out = await this.m.flowDecoder.predict({
      transformer_out: { data: conditioning, shape: [1, this.info.conditioningDim] },
      latent: { data: x, shape: [1, this.info.latentDim] },
      s: { data: Float32Array.of(s), shape: [1, 1] },
      t: { data: Float32Array.of(t), shape: [1, 1] },
    });
    const v = out[this.m.velocityOutput];
    const velocity = this.rt.read(v);
    v.dispose();
    return velocity;
  }

  async startDecoder(): Promise<DecoderState> {
    return new CoreMLDecoder(this.mimiInit);
  }

  decode(decoder: DecoderState, latents: Float32Array, frames: number): Promise<Float32Array> {
    const d = decoder as CoreMLDecoder;
    const run = d.tail.then(() => this.decodeNow(d, latents, frames));
    d.tail = run.catch(() => undefined);
    return run;
  }

  private async decodeNow(d: CoreMLDecoder, latents: Float32Array, frames: number): Promise<Float32Array> {
    const { latentDim, samplesPerFrame } = this.info;
    const { audioOutput, state } = this.m.mimiKeys;
    const pcm = new Float32Array(frames * samplesPerFrame);
    for (let f = 0; f < frames; f++) {
      const out = await this.m.mimiDecoder.predict({
        latent: { data: latents.slice(f * latentDim, (f + 1) * latentDim), shape: [1, latentDim] },
        ...d.state.handles,
      });
      d.state = d.state.next(state, out);
      const audio = out[audioOutput];
      pcm.set(this.rt.read(audio), f * samplesPerFrame); // float16 on the real pack: read() converts
      audio.dispose();
    }
    return pcm;
  }

  releaseSequence(seq: Sequence): void {
    (seq as CoreMLSequence).state.release();
  }

  releaseDecoder(decoder: DecoderState): void {
    const d = decoder as CoreMLDecoder;
    void d.tail.then(() => d.state.release());
  }

  async dispose(): Promise<void> {
    for (const v of this.voices.splice(0)) v.release();
    this.bosEmb.dispose();
    for (const h of Object.values(this.mimiInit.handles)) h.dispose();
  }

  private checkCapacity(s: CoreMLSequence, n: number): void {
    if (s.positions + n > this.info.contextCapacity) {
      throw new EngineError('INTERNAL', `sequence would exceed the model's ${this.info.contextCapacity} positions`);
    }
  }
}
