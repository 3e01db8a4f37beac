/**
 * Remembers which files already passed a sha256 check, keyed by name + size + mtime, in `.verified.json`.
 * Hashing ~150 MB on every start costs seconds; a stat per file costs nothing. Any rewrite of a file changes
 * its mtime or size, and a manifest change changes the expected sha, so a stale entry never matches.
 */
import type { Stats } from 'node:fs';
import { readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';

interface Entry {
  size: number;
  mtimeMs: number;
  sha256: string;
}

export const STAMP_FILE = '.verified.json';

export class VerifiedStamp {
  private dirty = false;

  private constructor(
    private readonly file: string,
    private readonly entries: Record<string, Entry>,
  ) {}

  /** A missing or unreadable stamp just means "verify everything again". */
  static async load(dir: string): Promise<VerifiedStamp> {
    const file = path.join(dir, STAMP_FILE);
    try {
      const parsed = JSON.parse(await readFile(file, 'utf8')) as { version?: number; files?: Record<string, Entry> };
      if (parsed.version === 1 && parsed.files && typeof parsed.files === 'object') return new VerifiedStamp(file, parsed.files);
    } catch {
      // fall through
    }
    return new VerifiedStamp(file, {});
  }

  has(name: string, st: Stats, sha256: string): boolean {
    const e = this.entries[name];
    return !!e && e.size === st.size && e.mtimeMs === st.mtimeMs && e.sha256 === sha256;
  }

  remember(name: string, st: Stats, sha256: string): void {
    this.entries[name] = { size: st.size, mtimeMs: st.mtimeMs, sha256 };
    this.dirty = true;
  }

  forget(name: string): void {
    if (!(name in this.entries)) return;
    delete this.entries[name];
    this.dirty = true;
  }

  /** Best effort: a read-only folder simply re-verifies next time. Written via rename so it is never half-written. */
  async save(): Promise<void> {
    if (!this.dirty) return;
    const tmp = `${this.file}.${process.pid}.tmp`;
    try {
      await writeFile(tmp, `${JSON.stringify({ version: 1, files: this.entries }, null, 1)}\n`);
      await rename(tmp, this.file);
      this.dirty = false;
    } catch {
      // ignore
    }
  }
}
