/**
 * The CLI's model folder: --model-dir as given, or the language's model downloaded once into the per-user cache
 * (English: the pinned manifest; other languages: the language pack with the chosen voice).
 */
import path from 'node:path';
import { packFor, type ModelSize } from '../store/languagePacks';
import { ensureLanguagePack } from '../store/languagePackStore';
import { assertModelDir, defaultModelCacheDir, ensureModelSet, onnxManifest } from '../store/modelStore';
import type { LanguageCode } from '../text/language/codes';

export interface ModelChoice {
  language: LanguageCode;
  size: ModelSize;
  /** A built-in voice of that language to have (non-English packs download their voices). */
  voice?: string;
  /** English only: the manifest groups to fetch (default: the runtime graphs and the default voice). */
  groups?: string[];
}

export async function resolveModelDir(explicit: string | undefined, signal: AbortSignal, choice: ModelChoice = { language: 'en', size: 'standard' }): Promise<string> {
  if (explicit) {
    const dir = path.resolve(explicit);
    await assertModelDir(dir);
    return dir;
  }
  let last = 0;
  const onProgress = (p: { file: string; doneBytes: number; totalBytes: number }) => {
    const now = Date.now();
    if (now - last < 200 && p.doneBytes < p.totalBytes) return;
    last = now;
    const pct = p.totalBytes ? Math.floor((100 * p.doneBytes) / p.totalBytes) : 0;
    const bar = '█'.repeat(Math.floor(pct / 4)).padEnd(25, '░');
    process.stderr.write(`\r  model ${bar} ${pct}%  ${(p.doneBytes / 1e6).toFixed(0)}/${(p.totalBytes / 1e6).toFixed(0)} MB  ${p.file.padEnd(28)}`);
  };
  if (choice.language === 'en') {
    const dir = defaultModelCacheDir(onnxManifest.bundle);
    const result = await ensureModelSet(dir, onnxManifest, { groups: choice.groups, signal, onProgress });
    if (result.downloaded.length) process.stderr.write(`\n  model ready in ${dir}\n`);
    return dir;
  }
  const pack = packFor(choice.language, choice.size);
  const dir = defaultModelCacheDir(pack.bundle);
  const result = await ensureLanguagePack(dir, pack, { voices: [choice.voice ?? pack.defaultVoice], signal, onProgress });
  if (result.downloaded.length) process.stderr.write(`\n  model ${pack.bundle} ready in ${dir}\n`);
  return dir;
}
