/**
 * Makes a model folder hold a verified copy of the requested manifest groups, downloading only what is
 * missing or wrong. Files already verified once are trusted by stat alone (see verifiedStamp.ts).
 */
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { EngineError } from '../shared/errors';
import { downloadFile, transferOptions } from './download';
import { ensureWritableDir, sha256File, statOrNull, writeFailure } from './files';
import { defaultGroups, filesInGroups, type ModelFile, type ModelManifest } from './manifest';
import { onEndpoint } from './hfEndpoint';
import { cancelled } from './request';
import { VerifiedStamp } from './verifiedStamp';

export { assertModelDir, checkModelDir, resolveModelFile, type CheckOptions, type ModelProblem } from './modelCheck';
export { defaultModelCacheDir } from './cacheDir';
export { onnxManifest, parseManifest, type ModelFile, type ModelManifest } from './manifest';

export interface ModelSetProgress {
  /** Manifest name of the file being downloaded. */
  file: string;
  fileBytes: number;
  fileTotal: number | null;
  /** Across every file this call downloads; bytes kept from earlier partials count as done. */
  doneBytes: number;
  /** Grows when a file of unknown size reports its length. */
  totalBytes: number;
}

export interface EnsureModelSetOptions {
  /** Manifest groups to fetch (default: "core" plus the default voice); "voice:*" means every voice. */
  groups?: readonly string[];
  signal?: AbortSignal;
  /** Called per received chunk; throttle in the UI if needed. */
  onProgress?: (p: ModelSetProgress) => void;
  idleTimeoutMs?: number;
  retries?: number;
  retryDelayMs?: number;
  /** Explicit proxy URL, null for none, undefined to honour HTTPS_PROXY/HTTP_PROXY/NO_PROXY. */
  proxy?: string | null;
}

export interface EnsureModelSetResult {
  dir: string;
  downloaded: string[];
  /** Present files hashed during this call. */
  verified: string[];
  /** Present files trusted from `.verified.json` without hashing. */
  cached: string[];
}

export async function ensureModelSet(dir: string, manifest: ModelManifest, opts: EnsureModelSetOptions = {}): Promise<EnsureModelSetResult> {
  const files = selectFiles(manifest, opts.groups ?? defaultGroups(manifest));
  const result: EnsureModelSetResult = { dir, downloaded: [], verified: [], cached: [] };
  const stamp = await VerifiedStamp.load(dir);
  try {
    const pending: ModelFile[] = [];
    for (const f of files) {
      if (opts.signal?.aborted) throw cancelled(f.name);
      const state = await inspect(dir, f, stamp);
      if (state === 'missing') pending.push(f);
      else if (state === 'invalid') {
        // Remove it now so a failed download cannot leave a wrong file that looks usable.
        await removeInvalid(dir, f);
        pending.push(f);
      } else result[state].push(f.name);
    }
    if (pending.length > 0) await ensureWritableDir(dir);

    let totalBytes = pending.reduce((sum, f) => sum + (f.bytes ?? 0), 0);
    let completed = 0;
    for (const f of pending) {
      let counted = f.bytes !== null;
      const dest = localPath(dir, f.name);
      const done = await downloadFile({
        url: onEndpoint(f.url),
        dest,
        sha256: f.sha256,
        bytes: f.bytes,
        ...transferOptions(opts),
        onProgress: (p) => {
          if (!counted && p.total !== null) {
            totalBytes += p.total;
            counted = true;
          }
          opts.onProgress?.({ file: f.name, fileBytes: p.bytes, fileTotal: p.total, doneBytes: completed + p.bytes, totalBytes });
        },
      });
      completed += done.bytes;
      const st = await statOrNull(dest);
      if (st) stamp.remember(f.name, st, f.sha256);
      await stamp.save(); // after each file, so a cancel later on keeps what was already proven
      result.downloaded.push(f.name);
    }
    return result;
  } finally {
    await stamp.save();
  }
}

function selectFiles(manifest: ModelManifest, groups: readonly string[]): ModelFile[] {
  for (const g of groups) {
    if (filesInGroups(manifest, [g]).length > 0) continue;
    if (g.startsWith('voice:')) throw new EngineError('UNKNOWN_VOICE', `The model set ${manifest.bundle} has no voice "${g.slice(6)}".`);
    throw new EngineError('INTERNAL', `The model manifest has no file group "${g}".`);
  }
  return filesInGroups(manifest, groups);
}

async function inspect(dir: string, f: ModelFile, stamp: VerifiedStamp): Promise<'missing' | 'invalid' | 'cached' | 'verified'> {
  const p = localPath(dir, f.name);
  const st = await statOrNull(p);
  if (!st) return 'missing';
  // The size check is free, so it always runs, stamp or not.
  if (!st.isFile() || (f.bytes !== null && st.size !== f.bytes)) return 'invalid';
  if (stamp.has(f.name, st, f.sha256)) return 'cached';
  if ((await sha256File(p)) !== f.sha256) return 'invalid';
  stamp.remember(f.name, st, f.sha256);
  return 'verified';
}

async function removeInvalid(dir: string, f: ModelFile): Promise<void> {
  try {
    await rm(localPath(dir, f.name), { recursive: true, force: true });
  } catch (err) {
    throw writeFailure(err, dir) ?? err;
  }
}

function localPath(dir: string, name: string): string {
  return path.join(dir, ...name.split('/'));
}
