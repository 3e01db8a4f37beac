/**
 * CoreML warm-up: the addon's loadModel is synchronous and, on a new Mac, the first load of a model does
 * device specialization that can take minutes. Loading each model once on a throw-away thread fills the OS
 * specialization cache (keyed by path + configuration), so the engine's own later load is fast and the
 * engine thread stays free to serve requests on ONNX meanwhile. The thread is a second instance of
 * engine-host.js started with `workerData.role = 'coreml-warmup'` (no extra bundle entry).
 */
import { Worker } from 'node:worker_threads';
import { loadCoreMLAddon } from './backends/coremlAddon';
import { resolveCoreMLFiles } from '../shared/coremlFiles';
import { resolveComputeUnits } from './backends/coremlModels';
import { runtimeOf, type CoreMLRuntime } from './backends/coremlRuntime';
import type { EngineConfig } from '../shared/protocol';

export const WARMUP_ROLE = 'coreml-warmup';

/** Loads models off the engine thread; reports (done, total) after each one. */
export type WarmUp = (config: EngineConfig, onProgress: (done: number, total: number) => void) => Promise<void>;

export interface WarmupData {
  role: typeof WARMUP_ROLE;
  coremlDir: string;
  computeUnits?: Record<string, string>;
  sources?: readonly string[];
}

type WarmupMessage = { type: 'progress'; done: number; total: number } | { type: 'done' } | { type: 'failed'; reason: string };

/** Loads each model of the set once and drops it (the specialization cache is what we are after). */
export async function warmCoreMLModels(rt: CoreMLRuntime, data: WarmupData, onProgress: (done: number, total: number) => void): Promise<void> {
  const files = resolveCoreMLFiles(data.coremlDir, { sources: data.sources });
  const units = resolveComputeUnits(data.computeUnits);
  const models = [
    [files.condStep, units.cond_step],
    [files.flowlmStep, units.flowlm_step],
    [files.flowDecoder, units.flow_decoder],
    [files.mimiDecoder, units.mimi_decoder],
  ] as const;
  for (let i = 0; i < models.length; i++) {
    await rt.loadModel(models[i][0], { computeUnits: models[i][1] });
    onProgress(i + 1, models.length);
  }
}

/** Body of the warm-up thread: report to the engine thread, then let the thread end (releasing the models). */
export async function runWarmupThread(port: { postMessage(m: WarmupMessage): void; close(): void }, data: WarmupData): Promise<void> {
  try {
    const addon = loadCoreMLAddon();
    if (!addon.ok) throw new Error(addon.reason.split('\n')[0]);
    await warmCoreMLModels(runtimeOf(addon.addon), data, (done, total) => port.postMessage({ type: 'progress', done, total }));
    port.postMessage({ type: 'done' });
  } catch (e) {
    port.postMessage({ type: 'failed', reason: (e instanceof Error ? e.message : String(e)).split('\n')[0] });
  }
  port.close();
}

/** The production WarmUp: runs `script` (engine-host.js) in the warm-up role. */
export function warmUpInThread(script: string): WarmUp {
  return (config, onProgress) =>
    new Promise<void>((resolve, reject) => {
      const data: WarmupData = { role: WARMUP_ROLE, coremlDir: config.coremlDir!, computeUnits: config.coremlComputeUnits };
      const w = new Worker(script, { workerData: data });
      // Never keeps the engine worker alive on dispose: a minutes-long specialization must not block shutdown.
      w.unref();
      w.on('message', (m: WarmupMessage) => {
        if (m.type === 'progress') onProgress(m.done, m.total);
        else if (m.type === 'done') resolve();
        else reject(new Error(m.reason));
      });
      w.once('error', reject);
      w.once('exit', (code) => reject(new Error(`the CoreML warm-up thread stopped (exit code ${code})`)));
    });
}
