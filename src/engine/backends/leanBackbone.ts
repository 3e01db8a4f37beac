/**
 * The backbone on the lean step graph (leanBackboneGraph.ts). Each sequence has one K and one V buffer per layer,
 * [heads, size, headDim], fed to every run without a copy; a run returns only its new rows, which are written into
 * place here (a few KB per step instead of the whole cache through JS). `size` grows in steps of GROW positions as
 * the sequence fills (the rows move within storage sized for the whole chunk), so attention reads little more than
 * the filled positions; storage passes from a finished sequence to the next, so a chunk start allocates nothing.
 */
import * as ort from 'onnxruntime-node';
import { rmSync } from 'node:fs';
import type { AttentionTap, SavedVoice } from '../backend';
import { EngineError } from '../../shared/errors';
import type { StateEntry } from '../modelFiles';
import { toFloat32 } from '../safetensors';
import type { Backbone, BackboneOutput, BackboneSequence, VoiceKv } from './backbone';
import { buildLeanBackbone, LEAN_IO, recognizeBackbone, type BackboneShape } from './leanBackboneGraph';
import { derivedGraph, type Derivation, type Derived } from './graphCache';
import { readGraph } from './onnxModelRead';
import { createSession } from './onnxSession';
import { savedVoice } from './onnxState';

const GROW = 32;
/** Room a new sequence starts with: a chunk's text and first step (≤ 50 tokens + 1) fit without a growth. */
const FIRST = 64;

/** A voice's K and V per layer, head-major [heads, positions, headDim]: laid into each chunk's buffers by rows. */
interface HeadMajorVoice {
  keys: Float32Array[];
  values: Float32Array[];
}

/** K and V storage per layer for up to `capacity` positions. Unused slots hold finite stale values: always masked. */
interface Storage {
  capacity: number;
  keys: Float32Array[];
  values: Float32Array[];
}

class LeanSequence implements BackboneSequence {
  /** Buffer length in positions (≤ capacity). */
  size = 0;
  /** Views of the storage: [heads, size, headDim] per layer. */
  keys: Float32Array[] = [];
  values: Float32Array[] = [];
  /** The buffers as graph inputs, rebuilt when they grow. */
  feeds: Record<string, ort.Tensor> = {};

  constructor(
    public positions: number,
    readonly capacity: number,
    public storage: Storage | undefined,
  ) {}
}

export class LeanBackbone implements Backbone {
  readonly kind = 'lean' as const;
  private readonly voices = new WeakMap<VoiceKv['stored'], HeadMajorVoice>();
  private readonly fetches: string[];
  /** Storage of the last finished sequence, for the next one. */
  private spare: Storage | undefined;

  private constructor(
    private readonly session: ort.InferenceSession,
    private readonly shape: BackboneShape,
    private readonly entries: readonly StateEntry[],
    private readonly taps: readonly AttentionTap[],
  ) {
    this.fetches = [LEAN_IO.conditioning, LEAN_IO.eos, LEAN_IO.kvRows, ...taps.map((_, i) => LEAN_IO.attention(i))];
  }

  /**
   * The lean backbone for the export graph in `file` (built once, then loaded from the graph cache), or why it cannot
   * be built, with the export's bytes when they were read (the caller then runs the export graph).
   */
  static async tryLoad(
    file: string,
    entries: readonly StateEntry[],
    latentDim: number,
    threads: number,
    taps: readonly AttentionTap[],
  ): Promise<LeanBackbone | { reason: string; source?: Uint8Array }> {
    const caches = entries.filter((e) => e.key === 'cache');
    const [, , positions, heads, headDim] = caches[0]?.shape ?? [];
    if (!positions || !heads || !headDim) return { reason: 'no KV cache in the state manifest' };
    const shape: BackboneShape = { layers: caches.length, heads, headDim, latentDim };
    const derivation: Derivation = {
      kind: 'backbone',
      identity: JSON.stringify([shape, positions, taps]) + String(recognizeBackbone) + String(buildLeanBackbone),
      build: (bytes) => {
        const weights = recognizeBackbone(readGraph(bytes), shape);
        return typeof weights === 'string' ? weights : buildLeanBackbone(weights, shape, { positions, taps });
      },
    };
    let derived: Derived;
    try {
      derived = derivedGraph(file, derivation);
    } catch (e) {
      return { reason: (e as Error).message };
    }
    if ('reason' in derived) return derived;
    let session: ort.InferenceSession;
    try {
      session = await createSession(file, threads, 'file' in derived ? derived.file : derived.bytes);
    } catch (e) {
      // A damaged cache entry: drop it and build afresh.
      if (!('file' in derived)) throw e;
      rmSync(derived.file, { force: true });
      return LeanBackbone.tryLoad(file, entries, latentDim, threads, taps);
    }
    return new LeanBackbone(session, shape, entries, taps);
  }

  start(voice: VoiceKv | undefined, capacity: number): BackboneSequence {
    const spare = this.spare && this.spare.capacity >= capacity ? this.spare : undefined;
    this.spare = spare ? undefined : this.spare;
    const seq = new LeanSequence(voice?.positions ?? 0, capacity, spare ?? this.allocate(capacity));
    this.view(seq, Math.min(capacity, seq.positions + FIRST));
    if (!voice) return seq;
    const v = this.headMajor(voice);
    for (let l = 0; l < this.shape.layers; l++) {
      copyRows(v.keys[l], voice.positions, seq.keys[l], seq.size, voice.positions, this.shape);
      copyRows(v.values[l], voice.positions, seq.values[l], seq.size, voice.positions, this.shape);
    }
    return seq;
  }

  async run(seq: BackboneSequence, latents: ort.Tensor, text: ort.Tensor): Promise<BackboneOutput> {
    const s = seq as LeanSequence;
    const rows = latents.dims[1] + text.dims[1];
    const at = s.positions;
    if (at + rows > s.capacity) throw new EngineError('INTERNAL', `sequence would exceed its ${s.capacity} positions`);
    if (at + rows > s.size) this.grow(s, Math.min(s.capacity, at + rows + GROW));
    const size = s.size;
    const out = await this.session.run(
      {
        ...s.feeds,
        [LEAN_IO.sequence]: latents,
        [LEAN_IO.text]: text,
        [LEAN_IO.position]: new ort.Tensor('int64', BigInt64Array.of(BigInt(at)), [1]),
        [LEAN_IO.bias]: new ort.Tensor('float32', attentionBias(at, size, rows), [rows, size + rows]),
        [LEAN_IO.split]: new ort.Tensor('int64', BigInt64Array.of(BigInt(size), BigInt(rows)), [2]),
      },
      this.fetches,
    );
    this.writeRows(s, out[LEAN_IO.kvRows].data as Float32Array, at, rows);
    s.positions += rows;
    return {
      conditioning: out[LEAN_IO.conditioning].data as Float32Array,
      eosLogit: (out[LEAN_IO.eos].data as Float32Array)[0],
      attention: this.taps.length ? this.attentionRows(out, at, rows, size) : undefined,
    };
  }

  save(seq: BackboneSequence): SavedVoice {
    const s = seq as LeanSequence;
    const { heads, headDim } = this.shape;
    const n = s.positions;
    return savedVoice(this.entries, n, (l) => {
      const out = new Float32Array(2 * n * heads * headDim);
      [s.keys[l], s.values[l]].forEach((buf, kind) => {
        for (let t = 0; t < n; t++) {
          for (let h = 0; h < heads; h++) {
            const src = (h * s.size + t) * headDim;
            out.set(buf.subarray(src, src + headDim), ((kind * n + t) * heads + h) * headDim);
          }
        }
      });
      return out;
    });
  }

  release(seq: BackboneSequence): void {
    const s = seq as LeanSequence;
    if (s.storage && (!this.spare || this.spare.capacity < s.storage.capacity)) this.spare = s.storage;
    s.storage = undefined;
    s.keys = [];
    s.values = [];
    s.feeds = {};
  }

  dispose(): Promise<void> {
    return this.session.release();
  }

  /** Each tap's row over the filled positions: the buffer part [0, at), then this run's rows. */
  private attentionRows(out: ort.InferenceSession.OnnxValueMapType, at: number, rows: number, size: number): Float32Array {
    const n = at + rows;
    const result = new Float32Array(this.taps.length * n);
    this.taps.forEach((_, i) => {
      const p = out[LEAN_IO.attention(i)].data as Float32Array;
      result.set(p.subarray(0, at), i * n);
      result.set(p.subarray(size, size + rows), i * n + at);
    });
    return result;
  }

  private writeRows(s: LeanSequence, kv: Float32Array, at: number, rows: number): void {
    const { heads, headDim } = this.shape;
    const block = rows * headDim;
    for (let l = 0; l < this.shape.layers; l++) {
      for (let kind = 0; kind < 2; kind++) {
        const dst = (kind === 0 ? s.keys : s.values)[l];
        for (let h = 0; h < heads; h++) {
          const src = ((2 * l + kind) * heads + h) * block;
          dst.set(kv.subarray(src, src + block), (h * s.size + at) * headDim);
        }
      }
    }
  }

  private allocate(capacity: number): Storage {
    const { layers, heads, headDim } = this.shape;
    const buffers = () => Array.from({ length: layers }, () => new Float32Array(heads * capacity * headDim));
    return { capacity, keys: buffers(), values: buffers() };
  }

  /** Widens the buffers to `size` positions, each head's filled rows moved up in place (last head first). */
  private grow(s: LeanSequence, size: number): void {
    const { heads, headDim } = this.shape;
    const old = s.size;
    this.view(s, size);
    for (const buf of [...s.keys, ...s.values]) {
      for (let h = heads - 1; h > 0; h--) buf.copyWithin(h * size * headDim, h * old * headDim, (h * old + s.positions) * headDim);
    }
  }

  /** Points the sequence's buffers and graph inputs at `size` positions of its storage. */
  private view(s: LeanSequence, size: number): void {
    const { layers, heads, headDim } = this.shape;
    const storage = s.storage!;
    s.size = size;
    const n = heads * size * headDim;
    s.keys = storage.keys.map((b) => b.subarray(0, n));
    s.values = storage.values.map((b) => b.subarray(0, n));
    s.feeds = {};
    for (let l = 0; l < layers; l++) {
      s.feeds[LEAN_IO.pastKey(l)] = new ort.Tensor('float32', s.keys[l], [heads, size, headDim]);
      s.feeds[LEAN_IO.pastValue(l)] = new ort.Tensor('float32', s.values[l], [heads, size, headDim]);
    }
  }

  /** The voice's caches ([2, 1, T, heads, headDim] per layer) as head-major K and V, converted once per voice. */
  private headMajor(voice: VoiceKv): HeadMajorVoice {
    let v = this.voices.get(voice.stored);
    if (v) return v;
    const { heads, headDim } = this.shape;
    const n = voice.positions;
    v = { keys: [], values: [] };
    for (const p of this.entries.filter((e) => e.key === 'cache').map((e) => e.path)) {
      const stored = voice.stored.get(p)!;
      const cache = toFloat32(stored);
      const length = stored.shape[2];
      for (let kind = 0; kind < 2; kind++) {
        const out = new Float32Array(heads * n * headDim);
        for (let t = 0; t < n; t++) {
          for (let h = 0; h < heads; h++) {
            const src = ((kind * length + t) * heads + h) * headDim;
            const dst = (h * n + t) * headDim;
            for (let i = 0; i < headDim; i++) out[dst + i] = cache[src + i];
          }
        }
        (kind === 0 ? v.keys : v.values).push(out);
      }
    }
    this.voices.set(voice.stored, v);
    return v;
  }
}

/** Copies `count` positions of each head from a [heads, fromSize, headDim] buffer into a [heads, toSize, headDim] one. */
function copyRows(src: Float32Array, fromSize: number, dst: Float32Array, toSize: number, count: number, s: BackboneShape): void {
  for (let h = 0; h < s.heads; h++) {
    dst.set(src.subarray(h * fromSize * s.headDim, (h * fromSize + count) * s.headDim), h * toSize * s.headDim);
  }
}

/** [rows, size + rows]: row r sees the filled buffer positions [0, at) and this run's rows up to itself. */
function attentionBias(at: number, size: number, rows: number): Float32Array {
  const width = size + rows;
  const bias = new Float32Array(rows * width).fill(-Infinity);
  for (let r = 0; r < rows; r++) {
    bias.fill(0, r * width, r * width + at);
    bias.fill(0, r * width + size, r * width + size + r + 1);
  }
  return bias;
}
