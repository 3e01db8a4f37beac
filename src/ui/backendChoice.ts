/**
 * Which runtime the extension asks the engine for, as pure functions (no vscode, no fs) so the policy is unit-tested.
 * The worker still has the last word: backendFactory falls back to ONNX if the addon or the set fails to load.
 */
import type { BackendChoice, EngineConfig } from '../shared/protocol';
import { COREML_LANGUAGES } from '../store/coremlStore';

export const NOT_MAC_WARNING = 'Pocket Reader: CoreML is only available on macOS; using ONNX Runtime.';

export interface CoreMLSetState {
  /** globalStorage/models/coreml/<lang> */
  dir: string;
  /** A finished download with every model present. */
  complete: boolean;
}

export interface BackendChoiceInput {
  platform: NodeJS.Platform;
  backend: BackendChoice;
  /**
   * The CoreML set matching the ONNX model's language, or undefined when no pack exists for it. A callback so
   * that nothing CoreML-related is looked at unless CoreML is in play (Linux/Windows, backend "onnx").
   */
  coremlSet: () => CoreMLSetState | undefined;
  /** A CoreML download was cancelled or failed in this session: don't start another one. */
  downloadPaused?: boolean;
}

export interface BackendDecision {
  /** For EngineConfig.coremlDir; undefined = the engine runs ONNX. */
  coremlDir?: string;
  /** Fetch the set into `downloadDir` in the background; ONNX serves the readings meanwhile. */
  downloadDir?: string;
  /** For the user, once: they asked for CoreML where it cannot run. */
  warning?: string;
  /** For the log: why CoreML is not used although it was asked for. */
  note?: string;
}

export function decideBackend(input: BackendChoiceInput): BackendDecision {
  if (input.backend === 'onnx') return {};
  if (input.platform !== 'darwin') return input.backend === 'coreml' ? { warning: NOT_MAC_WARNING } : {};
  const set = input.coremlSet();
  if (!set) return { note: 'CoreML has only an English model; this language reads with ONNX Runtime' };
  if (set.complete) return { coremlDir: set.dir };
  if (input.downloadPaused) return { note: 'the CoreML model is not downloaded (cancelled or failed earlier); using ONNX Runtime' };
  return { downloadDir: set.dir };
}

/** "english_2026-04" → "english": the ONNX bundle name is the language plus a release date. */
export function coremlLanguage(bundleName: string | undefined): string | undefined {
  const lang = bundleName?.replace(/_\d{4}-\d{2}(-\d{2})?$/, '');
  return lang && (COREML_LANGUAGES as readonly string[]).includes(lang) ? lang : undefined;
}

export interface EngineSettings {
  backend: BackendChoice;
  threads: number;
  coremlComputeUnits: Record<string, string>;
}

/**
 * The worker's config. Keys are built in a fixed order and optional ones left out: EngineClient.configure
 * compares configs as JSON, and an unchanged config must not reload the model.
 */
export function engineConfig(modelDir: string, s: EngineSettings, coremlDir?: string): EngineConfig {
  const units = Object.keys(s.coremlComputeUnits).length > 0 ? { coremlComputeUnits: s.coremlComputeUnits } : {};
  return {
    modelDir,
    backend: s.backend,
    ...(s.threads > 0 ? { threads: s.threads } : {}),
    ...(coremlDir && s.backend !== 'onnx' ? { coremlDir, ...units } : {}),
  };
}
