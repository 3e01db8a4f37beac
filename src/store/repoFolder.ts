/**
 * Downloads one folder of a model repository file by file from the repository's listing at a pinned commit: the
 * CoreML step sets (`.mlmodelc` packages are directories, so there is no single archive to pin), the language
 * bundles of the ONNX export and their voices.
 *
 * Verification: LFS files (weights, constants, voices) against the listing's sha256 (`lfs.oid`) through
 * downloadFile (resume, progress, cancel). Small non-LFS files (model.mil, metadata.json, coremldata.bin)
 * carry only a git blob id: they are fetched in memory and checked by size and by that git sha1 (a sha1,
 * weaker than the sha256 LFS files get). The resolved commit is written to `.revision.json` before any file,
 * so later downloads (resumes, repairs) are pinned to it even when the branch moves.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { writeWhole } from '../audio/partialFile';
import { EngineError } from '../shared/errors';
import { downloadFile, transferOptions } from './download';
import { ensureWritableDir, sha256File, statOrNull, writeFailure } from './files';
import { listTree, resolveRevision, type ListingOptions, type TreeEntry } from './repoListing';
import { cancelled, openGet } from './request';
import { VerifiedStamp } from './verifiedStamp';

export const REVISION_FILE = '.revision.json';

export interface RepoFolder {
  /** e.g. https://huggingface.co */
  base: string;
  /** e.g. FluidInference/pocket-tts-coreml, KevinAHM/pocket-tts-onnx */
  repo: string;
  /** Branch, tag or commit; a branch is resolved once and then pinned. */
  revision: string;
  /** Folder inside the repo, e.g. v2/english, onnx/german. */
  folder: string;
}

export interface RepoFolderOptions extends ListingOptions {
  onProgress?: (p: { file: string; fileBytes: number; doneBytes: number; totalBytes: number }) => void;
  /** Keep only paths (relative to the folder) this accepts; default: every file. */
  include?: (relPath: string) => boolean;
  /** Re-resolve the revision instead of using the pinned commit. */
  update?: boolean;
  retries?: number;
  retryDelayMs?: number;
}

export interface RepoFolderResult {
  dir: string;
  sha: string;
  downloaded: string[];
  verified: string[];
  cached: string[];
}

interface Pin {
  repo: string;
  folder: string;
  revision: string;
  sha: string;
}

async function readPin(dir: string): Promise<Pin | null> {
  try {
    const p = JSON.parse(await readFile(path.join(dir, REVISION_FILE), 'utf8')) as Pin;
    return typeof p.sha === 'string' && /^[0-9a-f]{40}$/.test(p.sha) ? p : null;
  } catch {
    return null;
  }
}

async function writePin(dir: string, pin: Pin): Promise<void> {
  const file = path.join(dir, REVISION_FILE);
  try {
    await writeWhole(file, Buffer.from(`${JSON.stringify(pin, null, 1)}\n`), true);
  } catch (err) {
    throw writeFailure(err, dir) ?? err;
  }
}

interface Planned {
  rel: string;
  url: string;
  bytes: number;
  /** LFS content hash, or null for a plain git file. */
  sha256: string | null;
  gitOid: string | null;
}

function plan(entries: TreeEntry[], src: RepoFolder, sha: string, include: (rel: string) => boolean): Planned[] {
  const prefix = src.folder.replace(/\/+$/, '') + '/';
  const out: Planned[] = [];
  for (const e of entries) {
    if (e.type !== 'file') continue;
    if (!e.path.startsWith(prefix)) throw new EngineError('DOWNLOAD_FAILED', `the file list names ${e.path}, outside ${src.folder}`);
    const rel = e.path.slice(prefix.length);
    // Listing paths become local paths: nothing may climb out of the model folder.
    if (rel.split('/').some((p) => p === '' || p === '.' || p === '..') || rel.includes('\\')) throw new EngineError('DOWNLOAD_FAILED', `unsafe path in the file list: ${e.path}`);
    if (!include(rel)) continue;
    const lfs = e.lfs && /^[0-9a-f]{64}$/.test(e.lfs.oid) ? e.lfs : null;
    const bytes = lfs ? lfs.size : e.size;
    if (typeof bytes !== 'number') throw new EngineError('DOWNLOAD_FAILED', `the file list gives no size for ${e.path}`);
    out.push({
      rel,
      url: `${src.base}/${src.repo}/resolve/${sha}/${e.path.split('/').map(encodeURIComponent).join('/')}`,
      bytes,
      sha256: lfs ? lfs.oid : null,
      gitOid: !lfs && typeof e.oid === 'string' && /^[0-9a-f]{40}$/.test(e.oid) ? e.oid : null,
    });
  }
  return out;
}

/** The verification key remembered in `.verified.json`. */
const stampKey = (f: Planned) => f.sha256 ?? `git:${f.gitOid ?? 'none'}:${f.bytes}`;

function gitBlobSha1(data: Buffer): string {
  return createHash('sha1').update(`blob ${data.length}\0`).update(data).digest('hex');
}

async function checkLocal(file: string, f: Planned, stamp: VerifiedStamp): Promise<'missing' | 'invalid' | 'cached' | 'verified'> {
  const st = await statOrNull(file);
  if (!st) return 'missing';
  if (!st.isFile() || st.size !== f.bytes) return 'invalid';
  if (stamp.has(f.rel, st, stampKey(f))) return 'cached';
  const ok = f.sha256 ? (await sha256File(file)) === f.sha256 : !f.gitOid || gitBlobSha1(await readFile(file)) === f.gitOid;
  if (!ok) return 'invalid';
  stamp.remember(f.rel, st, stampKey(f));
  return 'verified';
}

/** A small plain-git file: fetched whole, checked by size and git blob sha1, then renamed into place. */
async function fetchSmall(f: Planned, dest: string, opts: RepoFolderOptions): Promise<void> {
  const label = f.rel;
  const { res } = await openGet(f.url, { signal: opts.signal, idleTimeoutMs: opts.idleTimeoutMs ?? 60_000, proxy: opts.proxy, label });
  if (res.statusCode !== 200) {
    res.resume();
    throw new EngineError('DOWNLOAD_FAILED', `Could not download ${label}: HTTP ${res.statusCode}.`);
  }
  const chunks: Buffer[] = [];
  try {
    for await (const c of res as AsyncIterable<Buffer>) chunks.push(c);
  } catch {
    if (opts.signal?.aborted) throw cancelled(label);
    throw new EngineError('DOWNLOAD_FAILED', `The connection dropped while downloading ${label}.`);
  }
  if (opts.signal?.aborted) throw cancelled(label);
  const data = Buffer.concat(chunks);
  if (data.length !== f.bytes || (f.gitOid && gitBlobSha1(data) !== f.gitOid)) {
    const what = data.length !== f.bytes ? `is ${data.length} bytes instead of ${f.bytes}` : `does not match its git id ${f.gitOid}`;
    throw new EngineError('MODEL_CORRUPT', `Downloaded ${label} failed verification: it ${what}. The download was discarded.`);
  }
  await ensureWritableDir(path.dirname(dest));
  try {
    await writeWhole(dest, data, true);
  } catch (err) {
    throw writeFailure(err, path.dirname(dest)) ?? err;
  }
}

export async function ensureRepoFolder(dir: string, src: RepoFolder, opts: RepoFolderOptions = {}): Promise<RepoFolderResult> {
  await ensureWritableDir(dir);
  const pinned = await readPin(dir);
  const samePlace = pinned && pinned.repo === src.repo && pinned.folder === src.folder && pinned.revision === src.revision;
  const sha = samePlace && !opts.update ? pinned.sha : await resolveRevision(src.base, src.repo, src.revision, opts);
  if (!samePlace || pinned.sha !== sha) await writePin(dir, { repo: src.repo, folder: src.folder, revision: src.revision, sha });

  const files = plan(await listTree(src.base, src.repo, sha, src.folder, opts), src, sha, opts.include ?? (() => true));
  if (files.length === 0) throw new EngineError('DOWNLOAD_FAILED', `${src.repo}@${sha.slice(0, 8)} has no files under ${src.folder}`);
  const result: RepoFolderResult = { dir, sha, downloaded: [], verified: [], cached: [] };
  const stamp = await VerifiedStamp.load(dir);
  try {
    const pending: Planned[] = [];
    for (const f of files) {
      if (opts.signal?.aborted) throw cancelled(f.rel);
      const state = await checkLocal(path.join(dir, f.rel), f, stamp);
      if (state === 'missing' || state === 'invalid') pending.push(f);
      else result[state].push(f.rel);
    }
    const totalBytes = pending.reduce((n, f) => n + f.bytes, 0);
    let doneBytes = 0;
    for (const f of pending) {
      const dest = path.join(dir, f.rel);
      if (f.sha256) {
        await downloadFile({
          url: f.url,
          dest,
          sha256: f.sha256,
          bytes: f.bytes,
          ...transferOptions(opts),
          onProgress: (p) => opts.onProgress?.({ file: f.rel, fileBytes: p.bytes, doneBytes: doneBytes + p.bytes, totalBytes }),
        });
      } else {
        await fetchSmall(f, dest, opts);
        opts.onProgress?.({ file: f.rel, fileBytes: f.bytes, doneBytes: doneBytes + f.bytes, totalBytes });
      }
      doneBytes += f.bytes;
      const st = await statOrNull(dest);
      if (st) stamp.remember(f.rel, st, stampKey(f));
      await stamp.save();
      result.downloaded.push(f.rel);
    }
    return result;
  } finally {
    await stamp.save();
  }
}

