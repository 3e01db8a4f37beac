/**
 * The slice of the pocket_coreml addon API (native/index.d.ts) the CoreML backend uses, loosened so that
 * loadModel()/predict() may also return promises. The real addon is synchronous and satisfies this type
 * as it is (awaiting a plain value is free); the test stand-in on onnxruntime-node can only be async.
 */
import type { ComputeUnits, DataType, Feed, LoadOptions, ModelDescription, PocketCoreMLAddon } from '../../../native/index';

export type { ComputeUnits, DataType, ModelDescription } from '../../../native/index';

type Awaitable<T> = T | Promise<T>;

/** A native tensor: opaque to JS except through `read()`. */
export interface CoreMLTensor {
  readonly shape: number[];
  readonly dataType: DataType | 'unknown';
  readonly disposed: boolean;
  dispose(): void;
}

export type CoreMLFeed = Feed | CoreMLTensor;

export interface CoreMLModel {
  readonly compiledPath: string;
  readonly computeUnits: ComputeUnits;
  describe(): ModelDescription;
  predict(feeds: Record<string, CoreMLFeed>): Awaitable<Record<string, CoreMLTensor>>;
}

export interface CoreMLRuntime {
  loadModel(path: string, options?: LoadOptions): Awaitable<CoreMLModel>;
  read(handle: CoreMLTensor): Float32Array;
  tensor(data: Float32Array | Int32Array, shape: readonly number[], dataType?: DataType): CoreMLTensor;
}

/** The real addon as a runtime; no cast, so the compiler proves it fits. */
export function runtimeOf(addon: PocketCoreMLAddon): CoreMLRuntime {
  return addon;
}
