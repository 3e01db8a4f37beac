/**
 * A file written under a temporary name in its target folder and moved into place only when complete, so a crash,
 * a kill or Ctrl-C never leaves a half-written file under the real name, and an existing file is never replaced
 * unless that was asked for. The temp name starts with a dot and ends in `.partial`.
 */
import { randomBytes } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import path from 'node:path';

export class PartialFile {
  private constructor(
    readonly tempPath: string,
    readonly handle: fsp.FileHandle,
  ) {}

  /** Opens a fresh temp file in `dir` for `name` (the name only shapes the temp name). */
  static async open(dir: string, name: string): Promise<PartialFile> {
    const temp = path.join(dir, `.${name}.${randomBytes(4).toString('hex')}.partial`);
    return new PartialFile(temp, await fsp.open(temp, 'wx'));
  }

  /** Moves the finished file to exactly `file`; an existing file is replaced only with `overwrite`. */
  async commitAt(file: string, overwrite: boolean): Promise<string> {
    await this.handle.close();
    if (overwrite) await fsp.rename(this.tempPath, file);
    else if (!(await this.claim(file))) throw Object.assign(new Error(`${file} already exists`), { code: 'EEXIST' });
    return file;
  }

  /**
   * Moves finished files to `dir/base.ext`, else `base-2.ext`, `base-3.ext`, …: a hard link claims a name only if it
   * is free (atomic, so racing writers never clobber each other or an existing file). Files that belong together
   * (`notes.wav` + `notes.vtt`) get one suffix, the first free for all of them; a name taken meanwhile gives back
   * what that suffix claimed. Returns the final paths.
   */
  static async commitFreeGroup(dir: string, base: string, parts: readonly { file: PartialFile; ext: string }[]): Promise<string[]> {
    await Promise.all(parts.map((p) => p.file.handle.close()));
    for (let n = 1; n < 100000; n++) {
      const claimed: string[] = [];
      for (const p of parts) {
        const file = freeName(dir, base, p.ext, n);
        if (!(await p.file.link(file))) break;
        claimed.push(file);
      }
      if (claimed.length === parts.length) {
        await Promise.all(parts.map((p) => fsp.rm(p.file.tempPath, { force: true })));
        return claimed;
      }
      await Promise.all(claimed.map((f) => fsp.rm(f, { force: true })));
    }
    throw new Error(`no free file name for ${base} in ${dir}`);
  }

  /** Closes and removes the temp file (cancel, failure). */
  async discard(): Promise<void> {
    await this.handle.close().catch(() => undefined);
    await fsp.rm(this.tempPath, { force: true });
  }

  private async claim(file: string): Promise<boolean> {
    if (!(await this.link(file))) return false;
    await fsp.rm(this.tempPath, { force: true });
    return true;
  }

  /** Gives the temp file the name `file` too, only if that name is free; the temp name stays. */
  private async link(file: string): Promise<boolean> {
    try {
      await fsp.link(this.tempPath, file);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') return false;
      // File systems without hard links (some network and FAT mounts): an exclusive copy still never clobbers.
      if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'ENOSYS') throw err;
      try {
        await fsp.copyFile(this.tempPath, file, fsp.constants.COPYFILE_EXCL);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
        throw e;
      }
    }
    return true;
  }
}

/** Fails at once for a target that commitAt would refuse: a directory always, an existing file unless `overwrite`. */
export async function checkTarget(file: string, overwrite: boolean, exampleName: string): Promise<void> {
  const existing = await fsp.stat(file).catch(() => undefined);
  if (existing?.isDirectory()) throw Object.assign(new Error(`${file} is a directory; give a file name such as ${path.join(file, exampleName)}`), { code: 'EISDIR' });
  if (existing && !overwrite) throw Object.assign(new Error(`${file} already exists; pass --force to replace it`), { code: 'EEXIST' });
}

/** `base.ext` for n = 1, else `base-n.ext`. */
export function freeName(dir: string, base: string, ext: string, n: number): string {
  return path.join(dir, n === 1 ? `${base}${ext}` : `${base}-${n}${ext}`);
}

/** The first `base[-n].ext` in `dir` that does not exist now (a display name; commitFreeGroup decides for real). */
export async function firstFreeName(dir: string, base: string, ext: string): Promise<string> {
  for (let n = 1; ; n++) {
    const file = freeName(dir, base, ext, n);
    try {
      await fsp.lstat(file);
    } catch {
      return file;
    }
  }
}

/** Writes `bytes` as exactly `file`, whole or not at all; an existing `file` is replaced only with `overwrite`. */
export async function writeWhole(file: string, bytes: Uint8Array, overwrite: boolean): Promise<string> {
  const f = await PartialFile.open(path.dirname(file), path.basename(file));
  try {
    await f.handle.writeFile(bytes);
    return await f.commitAt(file, overwrite);
  } catch (err) {
    await f.discard();
    throw err;
  }
}
