/**
 * The CoreML step sets (FluidInference/pocket-tts-coreml `v2/<lang>`): which files of the folder are used, and a
 * completeness marker. Downloading is the generic repository-folder store (repoFolder.ts).
 */
import { existsSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { coremlSetProblem } from '../shared/coremlFiles';
import { hfEndpoint } from './hfEndpoint';
import { ensureRepoFolder, type RepoFolder, type RepoFolderOptions, type RepoFolderResult } from './repoFolder';

export { REVISION_FILE } from './repoFolder';
export type CoreMLSource = RepoFolder;

/**
 * FluidAudio's skip list: `.mlpackage` sources (the compiled `.mlmodelc` next to them is what loads),
 * `constants/` intermediates (`constants_bin/` is the loaded form), debug and Finder files.
 */
export function skipCoreMLAsset(rel: string): boolean {
  const parts = rel.split('/');
  const base = parts[parts.length - 1];
  return base === '.DS_Store' || base === 'verify.wav' || parts.some((p) => p.endsWith('.mlpackage') || p === 'constants');
}

/** The set's files (default: all but skipCoreMLAsset), verified against the pinned listing. */
export function ensureCoreMLSet(dir: string, src: CoreMLSource, opts: RepoFolderOptions = {}): Promise<RepoFolderResult> {
  return ensureRepoFolder(dir, src, { include: (r) => !skipCoreMLAsset(r), ...opts });
}

/**
 * Languages with a CoreML pack the backend runs. FluidInference lists v2 folders for the other bundles too, but they
 * are unverified with this backend (24-layer sets, their own tokenizers and voices): other languages read with ONNX
 * Runtime on macOS, and the log says so.
 */
export const COREML_LANGUAGES = ['english'] as const;

/** Where a language's v2 set comes from; `main` is resolved once and pinned in `.revision.json`. */
export function coremlSource(language: string): CoreMLSource {
  return { base: hfEndpoint(), repo: 'FluidInference/pocket-tts-coreml', revision: 'main', folder: `v2/${language}` };
}

export const DEFAULT_COREML_SOURCE: CoreMLSource = coremlSource('english');

/** The default skip list plus the int8 `flowlm_stepv2` (73 MB): the backend loads the fp16 `flowlm_step`. */
export function skipUnusedCoreMLAsset(rel: string): boolean {
  return skipCoreMLAsset(rel) || rel.split('/')[0]!.startsWith('flowlm_stepv2.');
}

/**
 * Written after ensureCoreMLSet succeeded. `.mlmodelc` entries are directories that exist as soon as their first
 * file lands, so file presence alone cannot tell an interrupted download from a complete one.
 */
export const COMPLETE_FILE = '.complete.json';

export async function markCoreMLSetComplete(dir: string, sha: string): Promise<void> {
  await writeFile(path.join(dir, COMPLETE_FILE), `${JSON.stringify({ sha }, null, 1)}\n`);
}

export async function clearCoreMLSetComplete(dir: string): Promise<void> {
  await rm(path.join(dir, COMPLETE_FILE), { force: true });
}

/** A finished download whose models are all present (cheap: stats only). */
export function isCoreMLSetComplete(dir: string): boolean {
  return existsSync(path.join(dir, COMPLETE_FILE)) && coremlSetProblem(dir) === undefined;
}
