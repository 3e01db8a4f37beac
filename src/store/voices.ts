/**
 * The voices a model folder actually has: built-in names whose `.safetensors` files are present (in the folders the
 * engine looks in), each vetted by reading only its header. No engine needed; the engine's UNKNOWN_VOICE stays the
 * last line for a file that passes this check but does not fit the model.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { errorMessage, statOrNull } from './files';
import type { ModelManifest } from './manifest';
import { readSafetensorsHeader } from '../shared/safetensorsHeader';
import { VOICE_EXT, VOICE_FOLDERS } from '../shared/voiceFiles';

export interface FolderVoice {
  name: string;
  file: string;
}

export interface VoiceListing {
  voices: FolderVoice[];
  /** Voice files that are present but cannot load, with the reason (for the log). */
  damaged: Array<{ file: string; problem: string }>;
}

/** Why `file` cannot serve as a voice, in plain words, or undefined when it can. Reads the header only. */
export async function voiceFileProblem(file: string): Promise<string | undefined> {
  const st = await statOrNull(file).catch(() => null);
  if (!st) return `${file} does not exist`;
  if (!st.isFile()) return `${file} is not a file`;
  try {
    const { tensors } = await readSafetensorsHeader(file);
    return tensors.size > 0 ? undefined : `${path.basename(file)} holds no voice data`;
  } catch (err) {
    return `${path.basename(file)} is not a readable voice file (${errorMessage(err).replace(`${file} `, '')})`;
  }
}

/**
 * Voices of the model folder `dir`, in the engine's lookup order (a name found twice counts once, where the engine
 * would take it). The folder itself is searched only for names the model knows, so that graph or other
 * `.safetensors` files lying there are not taken for voices.
 */
export async function listFolderVoices(dir: string, manifest: ModelManifest): Promise<VoiceListing> {
  const known = new Set([...manifestVoiceNames(manifest), ...(await bundleVoiceNames(dir))]);
  const seen = new Set<string>();
  const candidates: FolderVoice[] = [];
  for (const sub of VOICE_FOLDERS) {
    const names = sub === '.' ? [...known] : await voiceNamesIn(path.join(dir, sub));
    for (const name of names.sort()) {
      const file = path.join(dir, sub, `${name}${VOICE_EXT}`);
      if (seen.has(name) || (sub === '.' && !(await statOrNull(file)))) continue;
      seen.add(name);
      candidates.push({ name, file });
    }
  }
  const problems = await Promise.all(candidates.map((v) => voiceFileProblem(v.file)));
  return {
    voices: candidates.filter((_, i) => !problems[i]),
    damaged: candidates.flatMap((v, i) => (problems[i] ? [{ file: v.file, problem: problems[i]! }] : [])),
  };
}

/** The voice a model set falls back to: the manifest's default if present, else the bundle's first, else any. */
export async function defaultFolderVoice(dir: string, voices: readonly FolderVoice[], manifest: ModelManifest): Promise<string | undefined> {
  const names = new Set(voices.map((v) => v.name));
  const preferred = [manifest.defaultVoice, ...(await bundleVoiceNames(dir))];
  return preferred.find((n) => names.has(n)) ?? voices[0]?.name;
}

export function manifestVoiceNames(manifest: ModelManifest): string[] {
  return manifest.files.filter((f) => f.group.startsWith('voice:')).map((f) => f.group.slice('voice:'.length));
}

/** `predefined_voices` of the folder's bundle.json (empty when it cannot be read: the model check reports that). */
async function bundleVoiceNames(dir: string): Promise<string[]> {
  try {
    const b = JSON.parse(await readFile(path.join(dir, 'bundle.json'), 'utf8')) as { predefined_voices?: unknown };
    return Array.isArray(b.predefined_voices) ? b.predefined_voices.filter((n): n is string => typeof n === 'string') : [];
  } catch {
    return [];
  }
}

async function voiceNamesIn(folder: string): Promise<string[]> {
  try {
    const entries = await readdir(folder, { withFileTypes: true });
    return entries.filter((e) => !e.isDirectory() && e.name.endsWith(VOICE_EXT)).map((e) => e.name.slice(0, -VOICE_EXT.length));
  } catch {
    return [];
  }
}
