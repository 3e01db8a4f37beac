/**
 * Downloads a language pack (one bundle folder of the ONNX export plus the chosen voices) into one store folder,
 * each file verified against the pinned commit's listing (sha256 and size for LFS files, size and git id for small
 * ones; see repoFolder.ts), resumable and cancellable. `.pack.json` is written last: until then a folder is not
 * used, so an interrupted download can never be mistaken for a complete one.
 */
import { readFileSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { EngineError } from '../shared/errors';
import { LANGUAGE_NAMES } from '../text/language/codes';
import { statOrNull, writeFailure } from './files';
import { hfEndpoint } from './hfEndpoint';
import { BUNDLE_FILES, ONNX_REPO, VOICES_REPO, type LanguagePack } from './languagePacks';
import { ensureRepoFolder, type RepoFolderOptions, type RepoFolderResult } from './repoFolder';

export const PACK_FILE = '.pack.json';

export interface LanguagePackOptions extends Omit<RepoFolderOptions, 'include' | 'update'> {
  /** Built-in voices to have (names from pack.voices). */
  voices: readonly string[];
  /** Model host (default: HF_ENDPOINT or huggingface.co). */
  base?: string;
}

interface PackRecord {
  bundle: string;
  onnx: string;
  voices: string[];
}

export async function ensureLanguagePack(dir: string, pack: LanguagePack, opts: LanguagePackOptions): Promise<RepoFolderResult> {
  const name = LANGUAGE_NAMES[pack.language].english;
  for (const v of opts.voices) {
    if (!pack.voices.some((x) => x.name === v)) throw new EngineError('UNKNOWN_VOICE', `The ${name} model has no voice "${v}".`);
  }
  const base = opts.base ?? hfEndpoint();
  const { voices: _voices, base: _base, ...transfer } = opts;
  const had = readPack(dir)?.voices ?? [];
  await rm(path.join(dir, PACK_FILE), { force: true });

  // Voices first: a few MB, so the progress that follows is the model's.
  const wanted = new Set(opts.voices.map((v) => `${v}.safetensors`));
  const voiceFolder = `languages/${pack.bundle}/embeddings`;
  const voices = await listed(`the ${name} voices`, () =>
    ensureRepoFolder(path.join(dir, 'voices'), { base, ...VOICES_REPO, folder: voiceFolder }, { ...transfer, include: (rel) => wanted.has(rel) }),
  );
  requireAll(voices, [...wanted], `${VOICES_REPO.repo}@${VOICES_REPO.revision.slice(0, 8)}/${voiceFolder}`);

  const modelFolder = `onnx/${pack.bundle}`;
  const model = await listed(`the ${name} model (${pack.bundle})`, () =>
    ensureRepoFolder(dir, { base, ...ONNX_REPO, folder: modelFolder }, { ...transfer, include: (rel) => (BUNDLE_FILES as readonly string[]).includes(rel) }),
  );
  requireAll(model, BUNDLE_FILES, `${ONNX_REPO.repo}@${ONNX_REPO.revision.slice(0, 8)}/${modelFolder}`);

  const record: PackRecord = { bundle: pack.bundle, onnx: model.sha, voices: [...new Set([...had, ...opts.voices])].sort() };
  try {
    await writeFile(path.join(dir, PACK_FILE), `${JSON.stringify(record, null, 1)}\n`);
  } catch (err) {
    throw writeFailure(err, dir) ?? err;
  }
  const merge = (k: 'downloaded' | 'verified' | 'cached') => [...voices[k].map((f) => `voices/${f}`), ...model[k]];
  return { dir, sha: model.sha, downloaded: merge('downloaded'), verified: merge('verified'), cached: merge('cached') };
}

/**
 * Why `dir` cannot serve `pack` with `voice` yet (stat only, runs before every reading), or undefined when it can.
 * A voice file path (not a built-in name) needs only the model.
 */
export async function languagePackProblem(dir: string, pack: LanguagePack, voice?: string): Promise<'missing' | 'voice' | undefined> {
  const rec = readPack(dir);
  if (!rec || rec.bundle !== pack.bundle) return 'missing';
  for (const f of BUNDLE_FILES) if (!((await statOrNull(path.join(dir, f)))?.size ?? 0)) return 'missing';
  if (voice && !(await statOrNull(path.join(dir, 'voices', `${voice}.safetensors`)))?.isFile()) return 'voice';
  return undefined;
}

function readPack(dir: string): PackRecord | undefined {
  try {
    const r = JSON.parse(readFileSync(path.join(dir, PACK_FILE), 'utf8')) as PackRecord;
    return typeof r.bundle === 'string' && Array.isArray(r.voices) ? r : undefined;
  } catch {
    return undefined;
  }
}

/** A folder missing from the listing means the pinned commit does not publish it: say which. */
async function listed<T>(what: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof EngineError && err.code === 'DOWNLOAD_FAILED' && /does not exist|has no files under/.test(err.message)) {
      throw new EngineError('DOWNLOAD_FAILED', `${what[0]!.toUpperCase()}${what.slice(1)} is not published at the pinned revision (${err.message})`);
    }
    throw err;
  }
}

function requireAll(r: RepoFolderResult, names: readonly string[], where: string): void {
  const have = new Set([...r.downloaded, ...r.verified, ...r.cached]);
  const missing = names.filter((n) => !have.has(n));
  if (missing.length > 0) throw new EngineError('DOWNLOAD_FAILED', `${missing.join(', ')} ${missing.length > 1 ? 'are' : 'is'} not in the listing of ${where}.`);
}
