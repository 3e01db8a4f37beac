/**
 * Test-only stand-in for the pocket_coreml addon (native/index.d.ts), backed by onnxruntime-node and the
 * CoreML-contract ONNX graphs that models/generate.py writes to `<tiny>/coreml/`.
 *
 * Mimicked on purpose: describe() sorted by name with declared shapes/types; predict() rejects unknown or
 * missing inputs and shape mismatches, converts host data to the declared input type, accepts TensorHandles
 * (reusable any number of times: ORT, like CoreML, never writes into inputs) and returns every output as a
 * TensorHandle; read() copies and converts float16 -> float32 (Mimi's audio output is float16); disposed
 * handles can be neither read nor fed. Handles keep their ort.Tensor private, so a backend can only get
 * at data through read(), which the fake counts: tests prove KV caches never cross into JS.
 *
 * The one unavoidable difference: ORT has no synchronous run, so loadModel() and predict() return
 * promises here. The backend awaits both, which works unchanged on the real, synchronous addon.
 */
import * as ort from 'onnxruntime-node';
import { existsSync } from 'node:fs';
import type { ComputeUnits, DataType, Feed, FeatureDescription, HostTensor, LoadOptions, ModelDescription } from '../../native/index';
import type { CoreMLModel, CoreMLRuntime, CoreMLTensor } from '../../src/engine/backends/coremlRuntime';

/** Model sources the fake loads (pass as `sources` to the backend): the ONNX stand-ins. */
export const FAKE_SOURCES = ['.onnx'] as const;

const handleTensors = new WeakMap<FakeTensorHandle, ort.Tensor>();

export class FakeTensorHandle implements CoreMLTensor {
  disposed = false;
  constructor(
    tensor: ort.Tensor,
    readonly dataType: DataType | 'unknown',
  ) {
    handleTensors.set(this, tensor);
  }
  get shape(): number[] {
    return [...(handleTensors.get(this)?.dims ?? [])];
  }
  dispose(): void {
    this.disposed = true;
  }
}

export interface FakeStats {
  /** Every model loaded, with the options it got. */
  loads: { path: string; computeUnits: ComputeUnits }[];
  /** Shapes of every handle read into JS. */
  reads: number[][];
  /** Per model file name: input name -> how it was fed. */
  feeds: Map<string, Map<string, { host: number; handle: number }>>;
  predicts: Map<string, number>;
}

function ortType(t: FeatureDescription['dataType']): DataType | 'unknown' {
  return t === 'float32' || t === 'float16' || t === 'int32' ? t : t === 'double' ? 'float64' : 'unknown';
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);
function toHalf(x: number): number {
  f32[0] = x;
  const b = u32[0];
  const sign = (b >>> 16) & 0x8000;
  const exp = ((b >>> 23) & 0xff) - 127 + 15;
  const man = b & 0x7fffff;
  if (((b >>> 23) & 0xff) === 0xff) return sign | 0x7c00 | (man ? 0x200 : 0);
  if (exp >= 0x1f) return sign | 0x7c00;
  if (exp <= 0) {
    if (exp < -10) return sign;
    const m = (man | 0x800000) >> (1 - exp);
    return sign | ((m + 0x1000) >> 13);
  }
  return (sign | (exp << 10) | (man >> 13)) + ((man >> 12) & 1);
}
export function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const m = h & 0x3ff;
  if (e === 0) return s * m * 2 ** -24;
  if (e === 0x1f) return m ? NaN : s * Infinity;
  return s * (1 + m / 1024) * 2 ** (e - 15);
}

function hostTensor(data: Float32Array | Int32Array, shape: readonly number[], type: DataType | 'unknown'): ort.Tensor {
  const dims = [...shape];
  if (type === 'float16') return new ort.Tensor('float16', Uint16Array.from(data, toHalf), dims);
  if (type === 'int32') return new ort.Tensor('int32', data instanceof Int32Array ? Int32Array.from(data) : Int32Array.from(data, Math.trunc), dims);
  // Copied like the addon does (data goes into a new MLMultiArray), so later JS writes cannot leak in.
  return new ort.Tensor('float32', Float32Array.from(data), dims);
}

class FakeModel implements CoreMLModel {
  private readonly description: ModelDescription;
  constructor(
    private readonly session: ort.InferenceSession,
    readonly compiledPath: string,
    readonly computeUnits: ComputeUnits,
    private readonly stats: FakeStats,
    private readonly key: string,
  ) {
    const desc = (m: readonly ort.InferenceSession.ValueMetadata[]): FeatureDescription[] =>
      m
        .map((v) => ({
          name: v.name,
          shape: v.isTensor ? v.shape.map((d) => (typeof d === 'number' ? d : -1)) : [],
          dataType: (v.isTensor ? v.type : 'unknown') as FeatureDescription['dataType'],
        }))
        .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    this.description = { inputs: desc(session.inputMetadata), outputs: desc(session.outputMetadata) };
  }

  describe(): ModelDescription {
    return structuredClone(this.description);
  }

  async predict(feeds: Record<string, Feed>): Promise<Record<string, FakeTensorHandle>> {
    const inputs = new Map(this.description.inputs.map((d) => [d.name, d]));
    const counts = this.stats.feeds.get(this.key) ?? new Map();
    this.stats.feeds.set(this.key, counts);
    this.stats.predicts.set(this.key, (this.stats.predicts.get(this.key) ?? 0) + 1);
    const ortFeeds: Record<string, ort.Tensor> = {};
    for (const [name, feed] of Object.entries(feeds)) {
      const d = inputs.get(name);
      if (!d) throw new Error(`predict: the model has no input named "${name}"`);
      const c = counts.get(name) ?? { host: 0, handle: 0 };
      counts.set(name, c);
      let t: ort.Tensor;
      if (feed instanceof FakeTensorHandle) {
        if (feed.disposed) throw new Error(`predict: input "${name}" is a disposed TensorHandle`);
        t = handleTensors.get(feed)!;
        c.handle++;
      } else {
        const h = feed as HostTensor;
        const n = h.shape.reduce((a, b) => a * b, 1);
        if (h.data.length !== n) throw new Error(`predict: input "${name}" has ${h.data.length} values for shape [${h.shape}]`);
        t = hostTensor(h.data, h.shape, ortType(d.dataType));
        c.host++;
      }
      if (!sameShape(t.dims, d.shape)) throw new Error(`predict: input "${name}" has shape [${t.dims}], the model expects [${d.shape}]`);
      ortFeeds[name] = t;
    }
    const missing = [...inputs.keys()].filter((n) => !(n in ortFeeds));
    if (missing.length) throw new Error(`predict: required input feature(s) not passed: ${missing.join(', ')}`);
    const out = await this.session.run(ortFeeds);
    const types = new Map(this.description.outputs.map((d) => [d.name, ortType(d.dataType)]));
    const result: Record<string, FakeTensorHandle> = {};
    for (const [name, v] of Object.entries(out)) result[name] = new FakeTensorHandle(v as ort.Tensor, types.get(name) ?? 'unknown');
    return result;
  }
}

/** Maps `X.mlmodelc` / `X.mlpackage` to the stand-in `X.onnx` (a direct `.onnx` path is used as is). */
export function onnxStandIn(p: string): string {
  return p.replace(/\.(mlmodelc|mlpackage|mlmodel)$/, '.onnx');
}

export interface FakeCoreMLAddon extends CoreMLRuntime {
  stats: FakeStats;
  loadModel(path: string, options?: LoadOptions): Promise<FakeModel>;
  read(handle: CoreMLTensor): Float32Array;
  tensor(data: Float32Array | Int32Array, shape: readonly number[], dataType?: DataType): FakeTensorHandle;
}

export function createFakeCoreMLAddon(): FakeCoreMLAddon {
  const stats: FakeStats = { loads: [], reads: [], feeds: new Map(), predicts: new Map() };
  return {
    stats,
    async loadModel(path: string, options: LoadOptions = {}) {
      const file = onnxStandIn(path);
      if (!existsSync(file)) throw new Error(`The file couldn't be opened because it doesn't exist: ${path}`);
      const computeUnits = options.computeUnits ?? 'all';
      stats.loads.push({ path, computeUnits });
      const session = await ort.InferenceSession.create(file, { intraOpNumThreads: 1, interOpNumThreads: 1, executionMode: 'sequential' });
      const key = file.split(/[\\/]/).pop()!.replace(/\.onnx$/, '');
      return new FakeModel(session, file, computeUnits, stats, key);
    },
    read(handle: CoreMLTensor): Float32Array {
      if (!(handle instanceof FakeTensorHandle)) throw new TypeError('read: not a TensorHandle');
      if (handle.disposed) throw new Error('read: the TensorHandle was disposed');
      const t = handleTensors.get(handle)!;
      stats.reads.push([...t.dims]);
      // Converted, never reinterpreted (ORT hands fp16 out as raw Uint16 bits where there is no Float16Array).
      if (t.type === 'float16' && t.data instanceof Uint16Array) return Float32Array.from(t.data, halfToFloat);
      return Float32Array.from(t.data as ArrayLike<number>);
    },
    tensor(data: Float32Array | Int32Array, shape: readonly number[], dataType?: DataType): FakeTensorHandle {
      const type = dataType ?? (data instanceof Int32Array ? 'int32' : 'float32');
      if (data.length !== shape.reduce((a, b) => a * b, 1)) throw new Error(`tensor: ${data.length} values for shape [${shape}]`);
      return new FakeTensorHandle(hostTensor(data, shape, type), type);
    },
  };
}
