/**
 * Picks the runtime (`pocketReader.backend` = auto | coreml | onnx). auto: CoreML on macOS when the CoreML
 * set is present and the addon loads, ONNX Runtime everywhere else; off macOS auto never touches CoreML.
 * Any CoreML failure falls back to ONNX, and the reason comes back as `note` (the worker logs it).
 */
import type { Backend } from './backend';
import { CoreMLBackend, type TextPolicy } from './backends/coreml';
import { loadCoreMLAddon, type CoreMLAddonResult } from './backends/coremlAddon';
import { coremlSetProblem } from '../shared/coremlFiles';
import { runtimeOf, type CoreMLRuntime } from './backends/coremlRuntime';
import { OnnxBackend } from './backends/onnx';
import type { OnnxModelFiles } from './modelFiles';
import { timestampHeads } from './timestampHeads';
import type { EngineConfig } from '../shared/protocol';

/** Seams for tests; production uses the defaults. */
export interface BackendFactoryDeps {
  platform?: NodeJS.Platform;
  loadAddon?: () => CoreMLAddonResult | { ok: true; runtime: CoreMLRuntime };
  loadOnnx?: (config: EngineConfig, files: OnnxModelFiles) => Promise<Backend>;
  /** Model sources the CoreML set is made of (tests: the ONNX stand-ins). */
  coremlSources?: readonly string[];
}

export async function createBackend(config: EngineConfig, files: OnnxModelFiles, deps: BackendFactoryDeps = {}): Promise<{ backend: Backend; note?: string }> {
  const platform = deps.platform ?? process.platform;
  let note: string | undefined;
  if (config.backend === 'coreml' || (config.backend === 'auto' && platform === 'darwin')) {
    const r = await tryCoreML(config, files, platform, deps);
    if ('backend' in r) return { backend: r.backend };
    note = `CoreML not used (${r.reason}); using ONNX Runtime`;
  }
  return { backend: await loadOnnxBackend(config, files, deps), note };
}

/**
 * Whether createBackend would pick CoreML (short of the addon and the models actually loading): macOS, a
 * CoreML choice and a complete set. Never true off macOS, so Linux never starts a warm-up.
 */
export function coremlWanted(config: EngineConfig, deps: BackendFactoryDeps = {}): boolean {
  const platform = deps.platform ?? process.platform;
  if (platform !== 'darwin' || config.backend === 'onnx' || !config.coremlDir) return false;
  return !coremlSetProblem(config.coremlDir, { sources: deps.coremlSources });
}

/** The ONNX backend alone (the stand-in while CoreML warms up). */
export function loadOnnxBackend(config: EngineConfig, files: OnnxModelFiles, deps: BackendFactoryDeps = {}): Promise<Backend> {
  const loadOnnx =
    deps.loadOnnx ??
    ((c, f) => OnnxBackend.load(f, { threads: c.threads, decoderThread: c.decoderThread, attentionTaps: timestampHeads(f.bundle) }));
  return loadOnnx(config, files);
}

/** The CoreML backend alone, or why not; never falls back. */
export function loadCoreML(config: EngineConfig, files: OnnxModelFiles, deps: BackendFactoryDeps = {}): Promise<{ backend: Backend } | { reason: string }> {
  return tryCoreML(config, files, deps.platform ?? process.platform, deps);
}

async function tryCoreML(config: EngineConfig, files: OnnxModelFiles, platform: NodeJS.Platform, deps: BackendFactoryDeps): Promise<{ backend: Backend } | { reason: string }> {
  if (platform !== 'darwin') return { reason: 'CoreML not available on this platform' };
  if (!config.coremlDir) return { reason: 'no CoreML model folder' };
  // Cheap file checks first: the addon is only loaded for a set that could run.
  const problem = coremlSetProblem(config.coremlDir, { sources: deps.coremlSources });
  if (problem) return { reason: problem };
  const addon = (deps.loadAddon ?? loadCoreMLAddon)();
  if (!addon.ok) return { reason: addon.reason.split('\n')[0] };
  const runtime = 'runtime' in addon ? addon.runtime : runtimeOf(addon.addon);
  try {
    const backend = await CoreMLBackend.load(runtime, config.coremlDir, {
      sources: deps.coremlSources,
      computeUnits: config.coremlComputeUnits,
      text: textPolicy(files),
    });
    return { backend };
  } catch (e) {
    return { reason: (e instanceof Error ? e.message : String(e)).split('\n')[0] };
  }
}

/** The language config's text rules live in the ONNX bundle.json of the same language. */
function textPolicy(files: OnnxModelFiles): TextPolicy {
  const b = files.bundle;
  return {
    maxTokensPerChunk: b.max_token_per_chunk,
    insertBosBeforeVoice: b.insert_bos_before_voice,
    removeSemicolons: b.remove_semicolons,
    padWithSpacesForShortInputs: b.pad_with_spaces_for_short_inputs,
    recommendedFramesAfterEos: b.model_recommended_frames_after_eos ?? null,
  };
}
