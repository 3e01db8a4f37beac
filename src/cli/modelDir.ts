/** The CLI's model folder: --model-dir as given, or the pinned set downloaded once into the per-user cache. */
import path from 'node:path';
import { assertModelDir, defaultModelCacheDir, ensureModelSet, onnxManifest } from '../store/modelStore';

/** `groups`: what the download fetches (default: the runtime graphs and the default voice). */
export async function resolveModelDir(explicit: string | undefined, signal: AbortSignal, groups?: string[]): Promise<string> {
  if (explicit) {
    const dir = path.resolve(explicit);
    await assertModelDir(dir);
    return dir;
  }
  const dir = defaultModelCacheDir(onnxManifest.bundle);
  let last = 0;
  const result = await ensureModelSet(dir, onnxManifest, {
    groups,
    signal,
    onProgress: (p) => {
      const now = Date.now();
      if (now - last < 200 && p.doneBytes < p.totalBytes) return;
      last = now;
      const pct = p.totalBytes ? Math.floor((100 * p.doneBytes) / p.totalBytes) : 0;
      const bar = '█'.repeat(Math.floor(pct / 4)).padEnd(25, '░');
      process.stderr.write(`\r  model ${bar} ${pct}%  ${(p.doneBytes / 1e6).toFixed(0)}/${(p.totalBytes / 1e6).toFixed(0)} MB  ${p.file.padEnd(28)}`);
    },
  });
  if (result.downloaded.length) process.stderr.write(`\n  model ready in ${dir}\n`);
  return dir;
}
