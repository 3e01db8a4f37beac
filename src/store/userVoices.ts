/**
 * The user's own voices: `<global storage>/voices/<name>.safetensors`, one file per voice, the file name being the
 * name shown. Files are written whole (temp + rename) and never replaced by accident.
 */
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { writeWhole } from '../audio/partialFile';
import { VOICE_EXT } from '../shared/voiceFiles';
import { statOrNull } from './files';

export interface UserVoice {
  name: string;
  file: string;
  created: Date;
}

export const MAX_NAME_LENGTH = 40;
const RESERVED = /^(con|prn|aux|nul|com\d|lpt\d)$/i; // names Windows cannot use for files

export class UserVoiceStore {
  constructor(readonly dir: string) {}

  async list(): Promise<UserVoice[]> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    const voices = await Promise.all(
      names
        .filter((n) => n.endsWith(VOICE_EXT) && !n.startsWith('.'))
        .map(async (n) => {
          const file = path.join(this.dir, n);
          return { name: n.slice(0, -VOICE_EXT.length), file, created: (await stat(file)).mtime };
        }),
    );
    return voices.sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Whether `file` is one of these voices (the voice setting holds a path). */
  owns(file: string): boolean {
    return path.dirname(path.resolve(file)) === path.resolve(this.dir) && file.endsWith(VOICE_EXT);
  }

  /** Why `name` cannot name a voice, or undefined. `taken` are the existing names (compared ignoring case). */
  nameProblem(name: string, taken: readonly string[]): string | undefined {
    const n = name.trim();
    if (n === '') return 'Give the voice a name.';
    if (n.length > MAX_NAME_LENGTH) return `Use at most ${MAX_NAME_LENGTH} characters.`;
    if (/[\\/:*?"<>|]/.test(n) || /\p{Cc}/u.test(n)) return 'A name cannot contain \\ / : * ? " < > | or control characters.';
    if (n.startsWith('.') || n.endsWith('.')) return 'A name cannot start or end with a dot.';
    if (RESERVED.test(n)) return `"${n}" is reserved on Windows; choose another name.`;
    if (taken.some((t) => t.toLowerCase() === n.toLowerCase())) return `You already have a voice named "${n}".`;
    return undefined;
  }

  async add(name: string, bytes: Uint8Array): Promise<UserVoice> {
    await mkdir(this.dir, { recursive: true });
    const file = this.fileFor(name);
    await writeWhole(file, bytes, false);
    return { name: name.trim(), file, created: new Date() };
  }

  async rename(voice: UserVoice, newName: string): Promise<UserVoice> {
    const file = this.fileFor(newName);
    // A change of case only is the same file on case-insensitive file systems.
    if (file.toLowerCase() !== voice.file.toLowerCase() && (await statOrNull(file))) throw new Error(`a voice named "${newName.trim()}" already exists`);
    await rename(voice.file, file);
    return { ...voice, name: newName.trim(), file };
  }

  async remove(voice: UserVoice): Promise<void> {
    await rm(voice.file, { force: true });
  }

  private fileFor(name: string): string {
    return path.join(this.dir, `${name.trim()}${VOICE_EXT}`);
  }
}
