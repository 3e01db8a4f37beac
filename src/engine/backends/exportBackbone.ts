/**
 * The backbone as the community export ships it: the whole KV state goes in and out of every call. Its static
 * 1000-position cache is made symbolic at load so each chunk's state holds only what the chunk can use.
 */
import type * as ort from 'onnxruntime-node';
import type { AttentionTap, SavedVoice } from '../backend';
import type { StateEntry } from '../modelFiles';
import type { Backbone, BackboneOutput, BackboneSequence, VoiceKv } from './backbone';
import { attentionRows, exposeAttention, type AttentionOutputs } from './onnxAttentionTaps';
import { makeCacheLengthSymbolic } from './onnxGraphEdit';
import { createSession } from './onnxSession';
import { filledTensor, savedVoice, voiceStateTensors } from './onnxState';

class ExportSequence implements BackboneSequence {
  constructor(
    public tensors: ort.Tensor[],
    public positions: number,
    readonly capacity: number,
  ) {}
}

export class ExportBackbone implements Backbone {
  readonly kind = 'export' as const;

  private constructor(
    private readonly session: ort.InferenceSession,
    private readonly entries: readonly StateEntry[],
    /** The cache length is symbolic: a chunk's state is sized to the chunk. */
    private readonly dynamicCache: boolean,
    private readonly maxPositions: number,
    private readonly attention: AttentionOutputs | undefined,
    readonly tapsUnavailable: string | undefined,
  ) {}

  static async load(file: string, bytes: Uint8Array | undefined, entries: readonly StateEntry[], threads: number, taps: readonly AttentionTap[]): Promise<ExportBackbone> {
    const caches = entries.filter((e) => e.key === 'cache');
    const names = new Set(caches.flatMap((e) => [e.input_name, e.output_name]));
    const maxPositions = caches[0]?.shape[2] ?? 0;
    const edited = bytes && tryMakeCacheSymbolic(bytes, names, maxPositions);
    const dynamicCache = edited !== undefined && edited.changed === names.size;
    const graph = dynamicCache ? edited.bytes : bytes;
    const tapped = graph && taps.length ? tryExposeAttention(graph, taps) : undefined;
    const session = await createSession(file, threads, tapped?.bytes ?? (dynamicCache ? edited.bytes : undefined));
    const unavailable = !taps.length ? undefined : !graph ? `${file} is missing` : tapped?.error;
    return new ExportBackbone(session, entries, dynamicCache, maxPositions, tapped?.outputs, unavailable);
  }

  start(voice: VoiceKv | undefined, capacity: number): BackboneSequence {
    const size = this.dynamicCache ? capacity : this.maxPositions;
    if (voice) return new ExportSequence(voiceStateTensors(this.entries, voice.stored, voice.name, size), voice.positions, capacity);
    const empty = this.entries.map((e) => filledTensor(e.key === 'cache' ? { ...e, shape: e.shape.map((d, i) => (i === 2 ? size : d)) } : e));
    return new ExportSequence(empty, 0, capacity);
  }

  async run(seq: BackboneSequence, latents: ort.Tensor, text: ort.Tensor): Promise<BackboneOutput> {
    const s = seq as ExportSequence;
    const feeds: Record<string, ort.Tensor> = { sequence: latents, text_embeddings: text };
    this.entries.forEach((e, i) => (feeds[e.input_name] = s.tensors[i]));
    const out = await this.session.run(feeds);
    s.tensors = this.entries.map((e) => out[e.output_name] as ort.Tensor);
    s.positions += latents.dims[1] + text.dims[1];
    return {
      conditioning: out.conditioning.data as Float32Array,
      eosLogit: (out.eos_logit.data as Float32Array)[0],
      attention: this.attention && attentionRows(out, this.attention, s.positions),
    };
  }

  save(seq: BackboneSequence): SavedVoice {
    const s = seq as ExportSequence;
    const caches = s.tensors.filter((_, i) => this.entries[i].key === 'cache');
    return savedVoice(this.entries, s.positions, (i) => {
      const t = caches[i];
      const [planes, batch, size, heads, dim] = t.dims as number[];
      const row = heads * dim;
      const data = t.data as Float32Array;
      const out = new Float32Array(planes * batch * s.positions * row);
      for (let o = 0; o < planes * batch; o++) out.set(data.subarray(o * size * row, (o * size + s.positions) * row), o * s.positions * row);
      return out;
    });
  }

  release(seq: BackboneSequence): void {
    (seq as ExportSequence).tensors = [];
  }

  dispose(): Promise<void> {
    return this.session.release();
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
function tryMakeCacheSymbolic(bytes: Uint8Array, names: Set<string>, length: number): { bytes: Uint8Array; changed: number } | undefined {
  try {
    return makeCacheLengthSymbolic(bytes, names, length, 'cache_len');
  } catch {
    return undefined;
  }
}
