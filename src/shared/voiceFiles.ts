/**
 * Where a model folder keeps its built-in voices, and how a voice setting names a file instead. One place for both
 * sides: the engine loads from these locations and the host lists and vets the same files.
 */
import path from 'node:path';

/** Looked in, in this order: `voices/` (our store), `embeddings/` (Kyutai's layout), the folder itself. */
export const VOICE_FOLDERS = ['voices', 'embeddings', '.'] as const;

export const VOICE_EXT = '.safetensors';

/** A voice given as a file path rather than a name from the model's voice list. */
export function isVoiceFile(voice: string): boolean {
  return /[\\/]/.test(voice) || voice.toLowerCase().endsWith(VOICE_EXT);
}

/** The paths a built-in voice `name` may have in `dir`, preferred first. */
export function builtinVoicePaths(dir: string, name: string): string[] {
  return VOICE_FOLDERS.map((sub) => path.join(dir, sub, `${name}${VOICE_EXT}`));
}
