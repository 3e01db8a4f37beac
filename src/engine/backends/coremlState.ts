/**
 * KV state of the CoreML transformer models as native handles. Each call's cache/position outputs become
 * the next call's inputs without ever being read into JS (6 x 4 MiB per step on the real pack). A state
 * either owns its handles (produced for this sequence: disposed when replaced) or borrows them (a voice
 * snapshot shared by every chunk: CoreML never mutates inputs, so sharing is safe).
 */
import { EngineError } from '../../shared/errors';
import { toBigInt64, toFloat32, type RawTensor } from '../safetensors';
import type { LayerKeys } from './coremlKeys';
import type { CoreMLFeed, CoreMLRuntime, CoreMLTensor } from './coremlRuntime';

export class LayerState {
  constructor(
    readonly caches: CoreMLTensor[],
    readonly positions: CoreMLTensor[],
    private readonly owned: boolean,
  ) {}

  /** The state's inputs under one model's names (cond_step and flowlm_step both use cache{i}/position{i}). */
  feeds(keys: LayerKeys): Record<string, CoreMLFeed> {
    const f: Record<string, CoreMLFeed> = {};
    keys.cacheInputs.forEach((n, i) => (f[n] = this.caches[i]));
    keys.positionInputs.forEach((n, i) => (f[n] = this.positions[i]));
    return f;
  }

  /** The state a prediction produced; this one is released if it was ours. */
  next(keys: LayerKeys, out: Record<string, CoreMLTensor>): LayerState {
    const pick = (n: string) => out[n] ?? missing(n);
    const s = new LayerState(keys.cacheOutputs.map(pick), keys.positionOutputs.map(pick), true);
    this.release();
    return s;
  }

  release(): void {
    if (!this.owned) return;
    for (const h of [...this.caches, ...this.positions]) h.dispose();
  }

  /** Borrowed view for a new sequence. */
  borrow(): LayerState {
    return new LayerState(this.caches, this.positions, false);
  }
}

function missing(name: string): never {
  throw new EngineError('MODEL_CORRUPT', `CoreML prediction has no output ${name}`);
}

/** Zeroed caches at position 0: the start of a voice prefilled through cond_step. */
export function zeroLayerState(rt: CoreMLRuntime, keys: LayerKeys): LayerState {
  const n = keys.cacheShape.reduce((a, b) => a * b, 1);
  return new LayerState(
    keys.cacheInputs.map(() => rt.tensor(new Float32Array(n), keys.cacheShape)),
    keys.positionInputs.map(() => rt.tensor(new Float32Array(1), [1])),
    true,
  );
}

/**
 * A Kyutai voice KV snapshot (`transformer.layers.{i}.self_attn/cache` F32 [2,1,T_v,H,Dh] and `/offset`
 * I64 [1]) laid into zeroed [2,1,CAP,H,Dh] caches: K rows into cache[0, :, :T_v], V into cache[1, :, :T_v].
 * Caches stay zero beyond T_v (never NaN: masked slots must stay finite for CoreML). Positions = offset.
 */
export function snapshotCaches(stored: Map<string, RawTensor>, keys: LayerKeys, voice: string): { caches: Float32Array[]; positions: number } {
  const target = keys.cacheShape;
  const row = target[3] * target[4];
  let positions = -1;
  const caches = keys.cacheInputs.map((_, i) => {
    const m = `transformer.layers.${i}.self_attn`;
    const c = stored.get(`${m}/cache`);
    const off = stored.get(`${m}/offset`) ?? stored.get(`${m}/step`);
    if (!c || !off) throw new EngineError('UNKNOWN_VOICE', `voice ${voice} has no ${m}/cache and /offset: not a voice state for this model`);
    const src = c.shape;
    if (src.length !== 5 || src[0] !== 2 || src[1] !== target[1] || src[3] !== target[3] || src[4] !== target[4] || src[2] > target[2]) {
      throw new EngineError('UNKNOWN_VOICE', `voice ${voice}: ${m}/cache has shape [${src}] but this model needs [${target}] (the voice belongs to another model)`);
    }
    const p = Number(toBigInt64(off)[0]);
    if (positions >= 0 && p !== positions) throw new EngineError('MODEL_CORRUPT', `voice ${voice}: layers disagree on offset`);
    if (p > src[2]) throw new EngineError('MODEL_CORRUPT', `voice ${voice}: offset ${p} exceeds the ${src[2]} cached positions`);
    positions = p;
    const data = toFloat32(c);
    const out = new Float32Array(target.reduce((a, b) => a * b, 1));
    for (let kv = 0; kv < 2 * target[1]; kv++) out.set(data.subarray(kv * src[2] * row, (kv + 1) * src[2] * row), kv * target[2] * row);
    return out;
  });
  const extra = [...stored.keys()].some((k) => k.startsWith(`transformer.layers.${keys.cacheInputs.length}.`));
  if (extra) throw new EngineError('UNKNOWN_VOICE', `voice ${voice} has more layers than the model's ${keys.cacheInputs.length}`);
  return { caches, positions };
}

/** Mimi streaming state: handles keyed by input name. Initial handles are shared (borrowed) by every decoder. */
export class MimiState {
  constructor(
    readonly handles: Record<string, CoreMLTensor>,
    private readonly owned: boolean,
  ) {}

  next(mapping: readonly { input: string; output: string }[], out: Record<string, CoreMLTensor>): MimiState {
    const h: Record<string, CoreMLTensor> = {};
    for (const m of mapping) h[m.input] = out[m.output] ?? missing(m.output);
    this.release();
    return new MimiState(h, true);
  }

  release(): void {
    if (this.owned) for (const h of Object.values(this.handles)) h.dispose();
  }
}
