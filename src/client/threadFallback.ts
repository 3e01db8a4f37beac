/**
 * A signed VS Code on macOS may refuse to load an unsigned native addon into a forked helper process (library
 * validation). The engine process then reports CoreML as unavailable with the loader's reason; for exactly that
 * reason the client moves the engine into a thread of the host, where the addon loads as it always did.
 */
import type { EngineConfig } from '../shared/protocol';

const LIBRARY_VALIDATION = /code signature|library validation|not valid for use in process|different Team IDs/i;

export function needsThreadFallback(platform: NodeJS.Platform, config: EngineConfig, readyNote: string | undefined): boolean {
  return platform === 'darwin' && config.backend !== 'onnx' && !!readyNote && LIBRARY_VALIDATION.test(readyNote);
}
