/** Session creation shared by the backbone and the decoder threads. */
import * as ort from 'onnxruntime-node';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { EngineError } from '../../shared/errors';

/** `bytes` lets a caller pass an edited copy of `file`; errors still name the file. */
export async function createSession(file: string, threads: number, bytes?: Uint8Array): Promise<ort.InferenceSession> {
  if (!existsSync(file)) throw new EngineError('MODEL_MISSING', `${path.basename(file)} is missing in ${path.dirname(file)}`);
  const options: ort.InferenceSession.SessionOptions = {
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
  };
  try {
    return await (bytes ? ort.InferenceSession.create(bytes, options) : ort.InferenceSession.create(file, options));
  } catch (e) {
    const size = statSync(file).size;
    throw new EngineError(
      'MODEL_CORRUPT',
      `${path.basename(file)} in ${path.dirname(file)} is damaged: ONNX Runtime cannot read it as a model (${size} bytes)`,
      (e as Error).message,
    );
  }
}
