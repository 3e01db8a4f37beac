/**
 * ONNX Runtime backend for the community export (KevinAHM/pocket-tts-onnx file set): text conditioner,
 * backbone with explicit KV state, stateless flow head, streaming Mimi decoder.
 */
import * as ort from 'onnxruntime-node';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { AttentionTap, Backend, DecoderState, ModelInfo, SavedVoice, Sequence, StepResult, VoiceRef, VoiceState } from '../backend';
import { EngineError } from '../../shared/errors';
import { resolveVoiceFile, type OnnxModelFiles, type StateEntry } from '../modelFiles';
import { readSafetensors, type RawTensor } from '../safetensors';
import { InlineDecoderPool, ThreadDecoderPool, type DecoderPool } from './decoderPool';
import { attentionRows, exposeAttention, type AttentionOutputs } from './onnxAttentionTaps';
import { makeDimSymbolic } from './onnxGraphEdit';
import { createSession } from './onnxSession';
import { checkVoiceState, filledTensor, savedVoiceFromState, voiceStateTensors } from './onnxState';

/** Voice positions per backbone run when prefilling a recorded voice (30 s fill 376). */
const PREFILL_BLOCK = 64;

export interface OnnxBackendOptions {
  threads?: number;
  /** Decode Mimi on a second thread (needs the bundled decoder-worker.js next to this code). */
  decoderThread?: boolean;
  decoderWorkerPath?: string;
  /** Backbone heads whose attention each step returns (word timing); none when the graph cannot provide them. */
  attentionTaps?: readonly AttentionTap[];
}

interface OnnxVoice extends VoiceState {
  readonly name: string;
  readonly stored: Map<string, RawTensor>;
}

class OnnxSequence implements Sequence {
  /** Text embeddings waiting to run together with the first step (see prefillText). */
  pendingText: ort.Tensor | undefined;

  constructor(
    public tensors: ort.Tensor[],
    public positions: number,
    readonly capacity: number,
  ) {}
}

class OnnxDecoder {
  constructor(readonly id: number) {}
}

export class OnnxBackend implements Backend {
  readonly name = 'onnx' as const;
  private readonly flowEntries: StateEntry[];
  private readonly emptyLatent: ort.Tensor;
  private readonly emptyText: ort.Tensor;

  private constructor(
    readonly info: ModelInfo,
    private readonly files: OnnxModelFiles,
    private readonly textConditioner: ort.InferenceSession,
    private readonly main: ort.InferenceSession,
    private readonly flowHead: ort.InferenceSession,
    private readonly decoders: DecoderPool,
    /** The cache length is symbolic, so each chunk's cache holds only what that chunk can use. */
    private readonly dynamicCache: boolean,
    private readonly attention: AttentionOutputs | undefined,
  ) {
    this.flowEntries = files.bundle.flow_lm_state_manifest;
    const d = info.conditioningDim;
    this.emptyLatent = new ort.Tensor('float32', new Float32Array(0), [1, 0, info.latentDim]);
    this.emptyText = new ort.Tensor('float32', new Float32Array(0), [1, 0, d]);
  }

  static async load(files: OnnxModelFiles, opts: OnnxBackendOptions = {}): Promise<OnnxBackend> {
    const threads = opts.threads ?? 1;
    const b = files.bundle;
    const decoderInit = { file: files.mimiDecoder, manifest: b.mimi_state_manifest, latentDim: b.latent_dim, threads: 1 };
    const workerPath = opts.decoderWorkerPath ?? path.join(__dirname, 'decoder-worker.js');
    const useThread = (opts.decoderThread ?? true) && existsSync(workerPath);
    const caches = b.flow_lm_state_manifest.filter((e) => e.key === 'cache');
    const cacheNames = new Set(caches.flatMap((e) => [e.input_name, e.output_name]));
    const original = existsSync(files.flowLmMain) ? readFileSync(files.flowLmMain) : undefined;
    const edited = original && tryMakeCacheSymbolic(original, cacheNames);
    const dynamicCache = edited !== undefined && edited.changed === cacheNames.size;
    const tapped = original && opts.attentionTaps?.length ? tryExposeAttention(dynamicCache ? edited.bytes : original, opts.attentionTaps) : undefined;
    const loads = await Promise.allSettled([
      createSession(files.textConditioner, 1),
      createSession(files.flowLmMain, threads, tapped?.bytes ?? (dynamicCache ? edited.bytes : undefined)),
      createSession(files.flowLmFlow, 1),
      useThread ? ThreadDecoderPool.create(workerPath, decoderInit) : InlineDecoderPool.create(decoderInit),
    ] as const);
    const failed = loads.find((r) => r.status === 'rejected');
    if (failed) {
      // Release what did load (sessions, the decoder thread) so a failed load leaves nothing running.
      await Promise.all(
        loads.map((r) => (r.status === 'fulfilled' ? ('close' in r.value ? r.value.close() : r.value.release()) : undefined)),
      );
      throw failed.reason;
    }
    const [textConditioner, main, flowHead, decoders] = loads.map((r) => (r as PromiseFulfilledResult<unknown>).value) as [
      ort.InferenceSession,
      ort.InferenceSession,
      ort.InferenceSession,
      DecoderPool,
    ];
    const cache = b.flow_lm_state_manifest.find((e) => e.key === 'cache');
    if (!cache) throw new EngineError('MODEL_CORRUPT', `bundle.json in ${files.dir} has no KV cache in flow_lm_state_manifest`);
    const info: ModelInfo = {
      sampleRate: b.sample_rate,
      samplesPerFrame: b.samples_per_frame,
      latentDim: b.latent_dim,
      conditioningDim: b.conditioning_dim,
      maxTokensPerChunk: b.max_token_per_chunk,
      insertBosBeforeVoice: b.insert_bos_before_voice,
      removeSemicolons: b.remove_semicolons,
      padWithSpacesForShortInputs: b.pad_with_spaces_for_short_inputs,
      recommendedFramesAfterEos: b.model_recommended_frames_after_eos ?? null,
      contextCapacity: cache.shape[2],
      builtinVoices: b.predefined_voices ?? [],
      wordTimestamps: tapped?.outputs !== undefined,
      noWordTiming: tapped?.error ?? (tapped ? undefined : `no timestamp heads are known for bundle ${b.bundle_name} (models/timestamp-heads.json)`),
    };
    return new OnnxBackend(info, files, textConditioner, main, flowHead, decoders, dynamicCache, tapped?.outputs);
  }

  get decodeTimings(): { ms: number; frames: number } {
    return this.decoders.timings;
  }

  async prefillVoice(voice: VoiceRef): Promise<VoiceState> {
    const name = voice.kind === 'builtin' ? voice.name : voice.path;
    const file = resolveVoiceFile(this.files.dir, name, this.info.builtinVoices);
    const stored = await readSafetensors(file);
    // Validated once here; each chunk lays it out at its own capacity.
    const positions = checkVoiceState(this.flowEntries, stored, name, this.info.contextCapacity);
    const v: OnnxVoice = { name, stored, positions };
    return v;
  }

  async startSequence(voice: VoiceState, positions: number): Promise<Sequence> {
    const v = voice as OnnxVoice;
    const capacity = this.dynamicCache ? Math.min(this.info.contextCapacity, v.positions + positions) : this.info.contextCapacity;
    const tensors = voiceStateTensors(this.flowEntries, v.stored, v.name, capacity);
    return new OnnxSequence(tensors, v.positions, capacity);
  }

  async prefillText(seq: Sequence, tokenIds: readonly number[]): Promise<void> {
    if (tokenIds.length === 0) return;
    const s = seq as OnnxSequence;
    this.checkCapacity(s, tokenIds.length);
    const ids = new ort.Tensor('int64', BigInt64Array.from(tokenIds, (x) => BigInt(x)), [1, tokenIds.length]);
    const { embeddings } = await this.textConditioner.run({ token_ids: ids });
    // Deferred: the graph takes text embeddings and the BOS row in one call (text first, then the
    // latent, as two calls would place them), which saves a full pass over the backbone weights.
    if (s.pendingText) await this.runMain(s, this.emptyLatent, s.pendingText);
    s.pendingText = embeddings as ort.Tensor;
    s.positions += tokenIds.length;
  }

  async step(seq: Sequence, latent: Float32Array | null): Promise<StepResult> {
    const s = seq as OnnxSequence;
    this.checkCapacity(s, 1);
    // A NaN row is the export's BOS marker: the graph swaps in the learned BOS latent.
    const input = latent ?? new Float32Array(this.info.latentDim).fill(NaN);
    const out = await this.runMain(s, new ort.Tensor('float32', input, [1, 1, this.info.latentDim]), s.pendingText ?? this.emptyText);
    s.pendingText = undefined;
    s.positions += 1;
    return {
      conditioning: out.conditioning.data as Float32Array,
      eosLogit: (out.eos_logit.data as Float32Array)[0],
      attention: this.attention && attentionRows(out, this.attention, s.positions),
    };
  }

  async flow(conditioning: Float32Array, s: number, t: number, x: Float32Array): Promise<Float32Array> {
    const out = await this.flowHead.run({
      c: new ort.Tensor('float32', conditioning, [1, this.info.conditioningDim]),
      s: new ort.Tensor('float32', Float32Array.of(s), [1, 1]),
      t: new ort.Tensor('float32', Float32Array.of(t), [1, 1]),
      x: new ort.Tensor('float32', x, [1, this.info.latentDim]),
    });
    return out.flow_dir.data as Float32Array;
  }

  async startDecoder(): Promise<DecoderState> {
    return new OnnxDecoder(this.decoders.start());
  }

  decode(decoder: DecoderState, latents: Float32Array, frames: number): Promise<Float32Array> {
    return this.decoders.decode((decoder as OnnxDecoder).id, latents, frames);
  }

  async prefillSavedVoice(rows: Float32Array, count: number): Promise<SavedVoice> {
    const max = this.info.contextCapacity;
    if (count >= max) throw new EngineError('BAD_RECORDING', `the recording fills ${count} of the model's ${max} positions, leaving none for text`);
    const capacity = this.dynamicCache ? count : max;
    const empty = this.flowEntries.map((e) => filledTensor(e.key === 'cache' ? { ...e, shape: e.shape.map((d, i) => (i === 2 ? capacity : d)) } : e));
    const s = new OnnxSequence(empty, 0, capacity);
    const d = this.info.conditioningDim;
    // In blocks (the same state, causally): each run stays short enough for the engine to answer its heartbeats.
    for (let at = 0; at < count; at += PREFILL_BLOCK) {
      const n = Math.min(PREFILL_BLOCK, count - at);
      await this.runMain(s, this.emptyLatent, new ort.Tensor('float32', rows.slice(at * d, (at + n) * d), [1, n, d]));
    }
    return savedVoiceFromState(this.flowEntries, s.tensors, count);
  }

  releaseSequence(seq: Sequence): void {
    (seq as OnnxSequence).tensors = [];
  }

  releaseDecoder(decoder: DecoderState): void {
    this.decoders.release((decoder as OnnxDecoder).id);
  }

  async dispose(): Promise<void> {
    await this.decoders.close();
    await Promise.all([this.textConditioner.release(), this.main.release(), this.flowHead.release()]);
  }

  private checkCapacity(s: OnnxSequence, n: number): void {
    if (s.positions + n > s.capacity) {
      throw new EngineError('INTERNAL', `sequence would exceed its ${s.capacity} positions`);
    }
  }

  private async runMain(s: OnnxSequence, sequence: ort.Tensor, textEmbeddings: ort.Tensor): Promise<ort.InferenceSession.OnnxValueMapType> {
    const feeds: Record<string, ort.Tensor> = { sequence, text_embeddings: textEmbeddings };
    this.flowEntries.forEach((e, i) => (feeds[e.input_name] = s.tensors[i]));
    const out = await this.main.run(feeds);
    s.tensors = this.flowEntries.map((e) => out[e.output_name] as ort.Tensor);
    return out;
  }
}

/** A graph without the tapped layers' Softmax loads without word timing (the reader then highlights sentences). */
function tryExposeAttention(bytes: Uint8Array, taps: readonly AttentionTap[]): Partial<ReturnType<typeof exposeAttention>> & { error?: string } {
  try {
    return exposeAttention(bytes, taps);
  } catch (err) {
    return { error: (err as Error).message };
  }
}

/** A graph that cannot be edited (truncated, unexpected layout) is loaded as is; ORT reports real damage. */
function tryMakeCacheSymbolic(bytes: Uint8Array, names: Set<string>): { bytes: Uint8Array; changed: number } | undefined {
  try {
    return makeDimSymbolic(bytes, names, 2, 'cache_len');
  } catch {
    return undefined;
  }
}
