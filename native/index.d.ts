// Types of the pocket_coreml addon (native/build/Release/pocket_coreml.node, macOS 14+ only).
// Every call is synchronous: use the addon from a worker_thread, never from the VS Code extension host's
// main thread. Load it through src/engine/backends/coremlAddon.ts.

/** MLComputeUnits. */
export type ComputeUnits = 'all' | 'cpuOnly' | 'cpuAndGPU' | 'cpuAndNeuralEngine';

/** MLMultiArrayDataType names ('float64' is MLMultiArrayDataTypeDouble). */
export type DataType = 'float32' | 'float16' | 'float64' | 'int32';

/** A model input or output. Non-MultiArray features report their feature type and shape []. */
export interface FeatureDescription {
  name: string;
  /** The declared (default) shape; may contain 0 for zero-length state tensors. */
  shape: number[];
  dataType: DataType | 'int64' | 'double' | 'string' | 'image' | 'dictionary' | 'sequence' | 'unknown';
}

export interface ModelDescription {
  /** Sorted by name. */
  inputs: FeatureDescription[];
  /** Sorted by name. */
  outputs: FeatureDescription[];
}

export interface LoadOptions {
  /** Default 'all'. */
  computeUnits?: ComputeUnits;
  /**
   * Where .mlpackage/.mlmodel sources are compiled to (default ~/Library/Caches/pocket-coreml).
   * The entry's path is stable for an unchanged source, so the OS specialization cache keeps working.
   */
  cacheDir?: string;
}

/** Host data for one input: row-major, data.length === product(shape). */
export interface HostTensor {
  data: Float32Array | Int32Array;
  shape: readonly number[];
}

/**
 * A tensor kept in native memory (an MLMultiArray). Returned by predict() and tensor(); may be fed back
 * to predict() any number of times (CoreML never mutates inputs), so KV caches and decoder state never
 * cross into JS. Its native memory is reported to V8; call dispose() to free it without waiting for GC.
 */
export declare class TensorHandle {
  private constructor();
  readonly shape: number[];
  readonly dataType: DataType | 'unknown';
  /** True after dispose(); a disposed handle can no longer be read or fed. */
  readonly disposed: boolean;
  dispose(): void;
}

export type Feed = HostTensor | TensorHandle;

export declare class Model {
  private constructor();
  /** The .mlmodelc actually loaded (the cache entry for .mlpackage/.mlmodel sources). */
  readonly compiledPath: string;
  readonly computeUnits: ComputeUnits;
  describe(): ModelDescription;
  /**
   * Runs one synchronous prediction. Host data is converted to the element type the model declares for
   * that input (e.g. Float32Array -> float16). Unknown input names throw; CoreML errors throw an Error
   * with NSError.localizedDescription. Non-MultiArray outputs are not returned.
   */
  predict(feeds: Record<string, Feed>): Record<string, TensorHandle>;
}

/** Loads a .mlmodelc directly, or compiles a .mlpackage/.mlmodel once into the cache and loads that. */
export declare function loadModel(path: string, options?: LoadOptions): Model;

/** Copies a tensor into a new JS-owned Float32Array (row-major, strides honoured, any type -> float32). */
export declare function read(handle: TensorHandle): Float32Array;

/** Creates a native tensor from host data (default type: float32 for Float32Array, int32 for Int32Array). */
export declare function tensor(data: Float32Array | Int32Array, shape: readonly number[], dataType?: DataType): TensorHandle;

/** The module object: `require('…/pocket_coreml.node') as PocketCoreMLAddon`. */
export interface PocketCoreMLAddon {
  loadModel: typeof loadModel;
  read: typeof read;
  tensor: typeof tensor;
  Model: typeof Model;
  TensorHandle: typeof TensorHandle;
}
