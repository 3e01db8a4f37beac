/**
 * ONNX Runtime backend for the community export (KevinAHM/pocket-tts-onnx file set): text conditioner,
 * backbone (backbone.ts: the lean step graph, or the export's own), stateless flow head, streaming Mimi decoder.
 */
import * as ort from 'onnxruntime-node';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { AttentionTap, Backend, DecoderState, ModelInfo, SavedVoice, Sequence, StepResult, VoiceRef, VoiceState } from '../backend';
import { EngineError } from '../../shared/errors';
import { resolveVoiceFile, type OnnxModelFiles, type StateEntry } from '../modelFiles';
import { readSafetensors } from '../safetensors';
import { backboneThreads } from '../threads';
import type { Backbone, BackboneSequence, VoiceKv } from './backbone';
import { InlineDecoderPool, ThreadDecoderPool, type DecoderPool } from './decoderPool';
import { ExportBackbone } from './exportBackbone';
import { LeanBackbone } from './leanBackbone';
import { createSession } from './onnxSession';
import { checkVoiceState } from './onnxState';
import { loadTextConditioner, type TextConditioner } from './textConditioner';

/** Voice positions per backbone run when prefilling a recorded voice (30 s fill 376). */
const PREFILL_BLOCK = 64;

export interface OnnxBackendOptions {
  /** Backbone threads; 0 or absent = automatic (see threads.ts). */
  threads?: number;
  /** Decode Mimi on a second thread (needs the bundled decoder-worker.js next to this code). */
  decoderThread?: boolean;
  decoderWorkerPath?: string;
  /** `export` runs the export's own step graph even where the lean one could be built (tests, benchmarks). */
  backbone?: 'auto' | 'export';
  /** Backbone heads whose attention each step returns (word timing); none when the graph cannot provide them. */
  attentionTaps?: readonly AttentionTap[];
}

class OnnxSequence implements Sequence {
  /** Text embeddings waiting to run together with the first step (see prefillText). */
  pendingText: ort.Tensor | undefined;

  constructor(readonly state: BackboneSequence) {}

  /** Positions including text that waits for the first step. */
  get positions(): number {
    return this.state.positions + (this.pendingText?.dims[1] ?? 0);
  }
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
    private readonly textConditioner: TextConditioner,
    /** The step graph: the lean one built from the export's weights, or the export's own. */
    readonly backbone: Backbone,
    private readonly flowHead: ort.InferenceSession,
    private readonly decoders: DecoderPool,
  ) {
    this.flowEntries = files.bundle.flow_lm_state_manifest;
    const d = info.conditioningDim;
    this.emptyLatent = new ort.Tensor('float32', new Float32Array(0), [1, 0, info.latentDim]);
    this.emptyText = new ort.Tensor('float32', new Float32Array(0), [1, 0, d]);
  }

  static async load(files: OnnxModelFiles, opts: OnnxBackendOptions = {}): Promise<OnnxBackend> {
    const threads = backboneThreads(opts.threads);
    const b = files.bundle;
    const decoderInit = { file: files.mimiDecoder, manifest: b.mimi_state_manifest, latentDim: b.latent_dim, threads: 1 };
    const workerPath = opts.decoderWorkerPath ?? path.join(__dirname, 'decoder-worker.js');
    const useThread = (opts.decoderThread ?? true) && existsSync(workerPath);
    const cache = b.flow_lm_state_manifest.find((e) => e.key === 'cache');
    if (!cache) throw new EngineError('MODEL_CORRUPT', `bundle.json in ${files.dir} has no KV cache in flow_lm_state_manifest`);
    const loads = await Promise.allSettled([
      loadTextConditioner(files.textConditioner),
      loadBackbone(files, threads, opts),
      createSession(files.flowLmFlow, 1),
      useThread ? ThreadDecoderPool.create(workerPath, decoderInit) : InlineDecoderPool.create(decoderInit),
    ] as const);
    const failed = loads.find((r) => r.status === 'rejected');
    if (failed) {
      // Release what did load (sessions, the decoder thread) so a failed load leaves nothing running.
      await Promise.all(
        loads.map((r) => (r.status === 'fulfilled' ? ('close' in r.value ? r.value.close() : 'dispose' in r.value ? r.value.dispose() : r.value.release()) : undefined)),
      );
      throw failed.reason;
    }
    const tapped = (opts.attentionTaps?.length ?? 0) > 0;
    const [textConditioner, backbone, flowHead, decoders] = loads.map((r) => (r as PromiseFulfilledResult<unknown>).value) as [
      TextConditioner,
      Backbone,
      ort.InferenceSession,
      DecoderPool,
    ];
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
      wordTimestamps: tapped && !backbone.tapsUnavailable,
      noWordTiming: tapped ? backbone.tapsUnavailable : `no timestamp heads are known for bundle ${b.bundle_name} (models/timestamp-heads.json)`,
    };
    return new OnnxBackend(info, files, textConditioner, backbone, flowHead, decoders);
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
    const v: VoiceKv = { name, stored, positions };
    return v;
  }

  async startSequence(voice: VoiceState, positions: number): Promise<Sequence> {
    const v = voice as VoiceKv;
    return new OnnxSequence(this.backbone.start(v, Math.min(this.info.contextCapacity, v.positions + positions)));
  }

  async prefillText(seq: Sequence, tokenIds: readonly number[]): Promise<void> {
    if (tokenIds.length === 0) return;
    const s = seq as OnnxSequence;
    this.checkCapacity(s, tokenIds.length);
    const embeddings = await this.textConditioner.embed(tokenIds);
    // Deferred: the graph takes text embeddings and the BOS row in one call (text first, then the
    // latent, as two calls would place them), which saves a full pass over the backbone weights.
    if (s.pendingText) await this.backbone.run(s.state, this.emptyLatent, s.pendingText);
    s.pendingText = embeddings;
  }

  async step(seq: Sequence, latent: Float32Array | null): Promise<StepResult> {
    const s = seq as OnnxSequence;
    this.checkCapacity(s, 1);
    // A NaN row is the export's BOS marker: the graph swaps in the learned BOS latent.
    const input = latent ?? new Float32Array(this.info.latentDim).fill(NaN);
    const text = s.pendingText ?? this.emptyText;
    s.pendingText = undefined;
    return this.backbone.run(s.state, new ort.Tensor('float32', input, [1, 1, this.info.latentDim]), text);
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
    const seq = this.backbone.start(undefined, count);
    try {
      const d = this.info.conditioningDim;
      // In blocks (the same state, causally): each run stays short enough for the engine to answer its heartbeats.
      for (let at = 0; at < count; at += PREFILL_BLOCK) {
        const n = Math.min(PREFILL_BLOCK, count - at);
        await this.backbone.run(seq, this.emptyLatent, new ort.Tensor('float32', rows.slice(at * d, (at + n) * d), [1, n, d]));
      }
      return this.backbone.save(seq);
    } finally {
      this.backbone.release(seq);
    }
  }

  releaseSequence(seq: Sequence): void {
    this.backbone.release((seq as OnnxSequence).state);
  }

  releaseDecoder(decoder: DecoderState): void {
    this.decoders.release((decoder as OnnxDecoder).id);
  }

  async dispose(): Promise<void> {
    await this.decoders.close();
    await Promise.all([this.textConditioner.dispose(), this.backbone.dispose(), this.flowHead.release()]);
  }

  private checkCapacity(s: OnnxSequence, n: number): void {
    if (s.positions + n > s.state.capacity) {
      throw new EngineError('INTERNAL', `sequence would exceed its ${s.state.capacity} positions`);
    }
  }
}

/** The lean step graph when the export's graph is one the builder recognises, else the export's own graph. */
async function loadBackbone(files: OnnxModelFiles, threads: number, opts: OnnxBackendOptions): Promise<Backbone> {
  const entries = files.bundle.flow_lm_state_manifest;
  const taps = opts.attentionTaps ?? [];
  if (!existsSync(files.flowLmMain)) return ExportBackbone.load(files.flowLmMain, undefined, entries, threads, taps);
  let source: Uint8Array | undefined;
  if (opts.backbone !== 'export') {
    const lean = await LeanBackbone.tryLoad(files.flowLmMain, entries, files.bundle.latent_dim, threads, taps);
    if (lean instanceof LeanBackbone) return lean;
    source = lean.source;
  }
  return ExportBackbone.load(files.flowLmMain, source ?? readFileSync(files.flowLmMain), entries, threads, taps);
}
