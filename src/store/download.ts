/**
 * Downloads one pinned file: into `<dest>.partial`, resumable with HTTP Range, hashed while streaming,
 * verified (size + sha256) and only then renamed into place, so `dest` never holds unverified bytes.
 */
import { createHash, type Hash } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { EngineError } from '../shared/errors';
import { ensureWritableDir, errorMessage, hashInto, statOrNull, writeFailure } from './files';
import { cancelled, openGet, type OpenResponse } from './request';

export interface DownloadProgress {
  /** Bytes of this file on disk so far, including bytes kept from an earlier partial. */
  bytes: number;
  total: number | null;
}

export interface DownloadFileOptions {
  url: string;
  dest: string;
  sha256: string;
  /** Expected size; null/undefined when unknown (sha256 still decides). */
  bytes?: number | null;
  signal?: AbortSignal;
  onProgress?: (p: DownloadProgress) => void;
  /** Give up on a connection that sends nothing for this long (default 60 s). */
  idleTimeoutMs?: number;
  /** Automatic resumes after a dropped connection, idle timeout or 5xx (default 3). */
  retries?: number;
  /** First pause between automatic resumes, doubled each time (default 1 s). */
  retryDelayMs?: number;
  /** Explicit proxy URL, null for none, undefined to honour HTTPS_PROXY/HTTP_PROXY/NO_PROXY. */
  proxy?: string | null;
}

export interface DownloadResult {
  bytes: number;
  /** Bytes reused from an existing partial on the final, successful attempt (0 for a fresh download). */
  resumedFrom: number;
}

/** An attempt that may be retried: `restart` means the partial was unusable and has been deleted. */
class AttemptFailure extends Error {
  constructor(
    readonly error: EngineError,
    readonly restart = false,
  ) {
    super(error.message);
  }
}

export async function downloadFile(opts: DownloadFileOptions): Promise<DownloadResult> {
  const label = path.basename(opts.dest);
  await ensureWritableDir(path.dirname(opts.dest));
  const retries = opts.retries ?? 3;
  let failures = 0;
  let restarted = false;
  for (;;) {
    try {
      return await attempt(opts, label);
    } catch (err) {
      if (!(err instanceof AttemptFailure)) throw err;
      // A stale or foreign partial gets one clean download; a second bad result is the server's file.
      if (err.restart && !restarted) {
        restarted = true;
        continue;
      }
      if (err.restart || failures >= retries) throw err.error;
      failures++;
      try {
        await sleep((opts.retryDelayMs ?? 1000) * 2 ** (failures - 1), undefined, { signal: opts.signal });
      } catch {
        throw cancelled(label);
      }
    }
  }
}

async function attempt(opts: DownloadFileOptions, label: string): Promise<DownloadResult> {
  const partial = `${opts.dest}.partial`;
  const dir = path.dirname(opts.dest);
  const expected = opts.bytes ?? null;

  let start = (await statOrNull(partial))?.size ?? 0;
  if (expected !== null && start > expected) {
    await rm(partial, { force: true });
    start = 0;
  }
  // Resuming: the digest must cover the bytes already on disk, so hash them before appending.
  let hash = createHash('sha256');
  if (start > 0) await hashInto(partial, hash, start);
  if (opts.signal?.aborted) throw cancelled(label);
  // A complete partial (crash between download and rename) needs no request at all.
  if (expected !== null && start === expected) return finish(opts, label, hash, start, start);

  let resp: OpenResponse;
  try {
    resp = await openGet(opts.url, {
      headers: start > 0 ? { Range: `bytes=${start}-` } : {},
      signal: opts.signal,
      idleTimeoutMs: opts.idleTimeoutMs ?? 60_000,
      proxy: opts.proxy,
      label,
    });
  } catch (err) {
    if (err instanceof EngineError && err.code === 'DOWNLOAD_FAILED') throw new AttemptFailure(err);
    throw err;
  }
  const { res } = resp;
  const status = res.statusCode ?? 0;

  let offset = 0;
  if (start > 0 && status === 206) {
    const range = parseContentRange(res.headers['content-range']);
    if (range?.start !== start || (expected !== null && range.total !== null && range.total !== expected)) {
      res.destroy();
      await rm(partial, { force: true });
      throw new AttemptFailure(new EngineError('DOWNLOAD_FAILED', `The server resumed ${label} at an unexpected range (${res.headers['content-range']}).`), true);
    }
    offset = start;
  } else if (start > 0 && status === 416) {
    // The partial no longer fits the remote file (it changed, or the partial is bogus): start over.
    res.resume();
    await rm(partial, { force: true });
    throw new AttemptFailure(new EngineError('DOWNLOAD_FAILED', `The server rejected resuming ${label} (HTTP 416).`), true);
  } else if (status !== 200) {
    res.resume();
    const err = new EngineError('DOWNLOAD_FAILED', `Could not download ${label}: ${resp.url.href} answered HTTP ${status}${res.statusMessage ? ` ${res.statusMessage}` : ''}.`);
    throw status >= 500 || status === 408 || status === 429 ? new AttemptFailure(err) : err;
  }
  // A 200 to a Range request means the server ignored it and sends the whole file: start the hash over.
  if (offset === 0) hash = createHash('sha256');

  const lengthHeader = res.headers['content-length'];
  const remoteSize = lengthHeader !== undefined && /^\d+$/.test(lengthHeader) ? offset + Number(lengthHeader) : null;
  const total = expected ?? remoteSize;
  // Refuse a file of the wrong size up front instead of after downloading all of it.
  if (expected !== null && remoteSize !== null && remoteSize !== expected) {
    res.destroy();
    await rm(partial, { force: true });
    throw new EngineError('MODEL_CORRUPT', `The server offers ${remoteSize} bytes for ${label} but the pinned file has ${expected}; refusing it.`);
  }

  let size = offset;
  opts.onProgress?.({ bytes: size, total });
  // A plain loop rather than pipeline(): on cancel or a dropped connection, pipeline would destroy the file
  // stream and drop buffered writes, while here every byte already hashed is flushed to the partial.
  const out = createWriteStream(partial, { flags: offset === 0 ? 'w' : 'a', flush: true, highWaterMark: 1 << 20 });
  let writeError: unknown;
  out.on('error', (err) => (writeError ??= err));
  let readError: unknown;
  try {
    for await (const chunk of res as AsyncIterable<Buffer>) {
      hash.update(chunk);
      if (!out.write(chunk)) await drainedOrClosed(out);
      if (writeError) break;
      size += chunk.length;
      opts.onProgress?.({ bytes: size, total });
    }
  } catch (err) {
    readError = err;
  }
  // The partial's size must be final (and the handle closed, for Windows) before anyone resumes or renames it.
  if (!out.closed) await new Promise<void>((r) => (out.once('close', r), out.end()));
  const why = resp.reason();
  if (why?.code === 'CANCELLED' || opts.signal?.aborted) throw cancelled(label);
  if (writeError) throw writeFailure(writeError, dir) ?? new EngineError('DOWNLOAD_FAILED', `Could not write ${partial}: ${errorMessage(writeError)}`);
  if (readError || why) {
    throw new AttemptFailure(why ?? new EngineError('DOWNLOAD_FAILED', `The connection dropped while downloading ${label} (${size} of ${total ?? '?'} bytes); try again to resume.`));
  }
  if (total !== null && size < total) {
    throw new AttemptFailure(new EngineError('DOWNLOAD_FAILED', `The server closed the connection early while sending ${label} (${size} of ${total} bytes); try again to resume.`));
  }
  return finish(opts, label, hash, size, offset);
}

async function finish(opts: DownloadFileOptions, label: string, hash: Hash, size: number, resumedFrom: number): Promise<DownloadResult> {
  const partial = `${opts.dest}.partial`;
  const digest = hash.digest('hex');
  const expected = opts.bytes ?? null;
  if ((expected !== null && size !== expected) || digest !== opts.sha256.toLowerCase()) {
    await rm(partial, { force: true });
    const what = expected !== null && size !== expected ? `is ${size} bytes instead of ${expected}` : `has sha256 ${digest}, expected ${opts.sha256}`;
    const err = new EngineError('MODEL_CORRUPT', `Downloaded ${label} failed verification: it ${what}. The download was discarded.`);
    // Bytes kept from an earlier partial may be the culprit, so that case earns one clean download.
    throw resumedFrom > 0 ? new AttemptFailure(err, true) : err;
  }
  try {
    await rename(partial, opts.dest);
  } catch (err) {
    throw writeFailure(err, path.dirname(opts.dest)) ?? err;
  }
  return { bytes: size, resumedFrom };
}

/** Waits for room in the write buffer; 'close' too, so a failed write cannot leave the loop hanging. */
function drainedOrClosed(out: WriteStream): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      out.off('drain', done);
      out.off('close', done);
      resolve();
    };
    out.on('drain', done);
    out.on('close', done);
  });
}

function parseContentRange(header: string | undefined): { start: number; total: number | null } | null {
  const m = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(header?.trim() ?? '');
  if (!m) return null;
  return { start: Number(m[1]), total: m[3] === '*' ? null : Number(m[3]) };
}

/** The transport settings a caller passes through unchanged to every file it downloads. */
export function transferOptions(o: Pick<DownloadFileOptions, 'signal' | 'idleTimeoutMs' | 'retries' | 'retryDelayMs' | 'proxy'>) {
  return { signal: o.signal, idleTimeoutMs: o.idleTimeoutMs, retries: o.retries, retryDelayMs: o.retryDelayMs, proxy: o.proxy };
}
