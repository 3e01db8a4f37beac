/** Small filesystem helpers shared by the downloader and the model store. */
import { createHash, type Hash } from 'node:crypto';
import { createReadStream, type Stats } from 'node:fs';
import { access, constants, mkdir, stat } from 'node:fs/promises';
import { EngineError } from '../shared/errors';

export async function statOrNull(p: string): Promise<Stats | null> {
  try {
    return await stat(p);
  } catch (err) {
    if (isNodeError(err) && (err.code === 'ENOENT' || err.code === 'ENOTDIR')) return null;
    throw err;
  }
}

/** Feeds the first `length` bytes of a file (all of it when omitted) into `hash`. */
export async function hashInto(p: string, hash: Hash, length?: number): Promise<void> {
  if (length === 0) return;
  const stream = createReadStream(p, length === undefined ? {} : { end: length - 1 });
  for await (const chunk of stream) hash.update(chunk as Buffer);
}

export async function sha256File(p: string): Promise<string> {
  const hash = createHash('sha256');
  await hashInto(p, hash);
  return hash.digest('hex');
}

const NOT_WRITABLE = new Set(['EACCES', 'EPERM', 'EROFS']);

/**
 * Maps a write-side filesystem error to an actionable EngineError, or returns null when it is not one
 * (so network errors keep their own message). A read-only cache folder is a common first-run failure.
 */
export function writeFailure(err: unknown, dir: string): EngineError | null {
  if (!isNodeError(err)) return null;
  if (NOT_WRITABLE.has(err.code ?? '')) {
    return new EngineError('DOWNLOAD_FAILED', `The model folder ${dir} is not writable (${err.code}). Choose a writable folder or fix its permissions.`);
  }
  if (err.code === 'ENOSPC' || err.code === 'EDQUOT') {
    return new EngineError('DOWNLOAD_FAILED', `No space left to store the model in ${dir} (${err.code}). Free some disk space and try again.`);
  }
  return null;
}

/** Creates `dir` if needed and fails early, with a clear message, when it cannot be written to. */
export async function ensureWritableDir(dir: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true });
    await access(dir, constants.W_OK);
  } catch (err) {
    throw writeFailure(err, dir) ?? new EngineError('DOWNLOAD_FAILED', `Cannot use ${dir} as the model folder: ${errorMessage(err)}`);
  }
}

export function isNodeError(err: unknown): err is NodeJS.ErrnoException {
  return err instanceof Error && 'code' in err;
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
