/** Picks the runtime: CoreML on macOS when its addon and model set load, ONNX Runtime everywhere else. */
import type { Backend } from './backend';
import { OnnxBackend } from './backends/onnx';
import { EngineError } from './errors';
import type { OnnxModelFiles } from './modelFiles';
import type { EngineConfig } from './protocol';

export async function createBackend(config: EngineConfig, files: OnnxModelFiles): Promise<{ backend: Backend; note?: string }> {
  let note: string | undefined;
  if (config.backend === 'coreml' || (config.backend === 'auto' && process.platform === 'darwin' && config.coremlDir)) {
    const reason = await coremlUnavailableReason(config);
    if (!reason) throw new EngineError('BACKEND_UNAVAILABLE', 'CoreML backend is not built yet');
    note = `CoreML not used (${reason}); using ONNX Runtime`;
  }
  const backend = await OnnxBackend.load(files, { threads: config.threads, decoderThread: config.decoderThread });
  return { backend, note };
}

async function coremlUnavailableReason(config: EngineConfig): Promise<string | undefined> {
  if (process.platform !== 'darwin') return 'CoreML not available on this platform';
  if (!config.coremlDir) return 'no CoreML model folder';
  return 'CoreML backend not available in this build';
}
