/**
 * The file listing of a model repository folder (Hugging Face's tree API:
 * `GET <base>/api/models/<repo>/tree/<revision>/<path>?recursive=true`, paginated with `Link: rel="next"`),
 * and the revision -> commit resolution (`GET <base>/api/models/<repo>/revision/<revision>` -> { sha }).
 */
import { EngineError } from '../shared/errors';
import { openGet } from './request';

export interface TreeEntry {
  type: 'file' | 'directory';
  path: string;
  size?: number;
  /** Git blob id (sha1 of "blob <size>\0<bytes>"); for LFS files, of the pointer. */
  oid?: string;
  /** LFS files: oid = sha256 of the content. */
  lfs?: { oid: string; size: number };
}

export interface ListingOptions {
  signal?: AbortSignal;
  idleTimeoutMs?: number;
  proxy?: string | null;
}

const MAX_JSON = 16 << 20;

export async function getJson(url: string, label: string, opts: ListingOptions): Promise<{ body: unknown; next?: string }> {
  const { res } = await openGet(url, { signal: opts.signal, idleTimeoutMs: opts.idleTimeoutMs ?? 60_000, proxy: opts.proxy, label });
  const status = res.statusCode ?? 0;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of res as AsyncIterable<Buffer>) {
    size += c.length;
    if (size > MAX_JSON) {
      res.destroy();
      throw new EngineError('DOWNLOAD_FAILED', `${label}: the answer from ${new URL(url).host} is too large`);
    }
    chunks.push(c);
  }
  if (status === 404) throw new EngineError('DOWNLOAD_FAILED', `${label} does not exist (${url} answered HTTP 404).`);
  if (status !== 200) throw new EngineError('DOWNLOAD_FAILED', `Could not get ${label}: ${url} answered HTTP ${status}.`);
  let body: unknown;
  try {
    body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new EngineError('DOWNLOAD_FAILED', `${label} from ${url} is not JSON.`);
  }
  const link = res.headers.link;
  const m = typeof link === 'string' ? /<([^>]+)>\s*;\s*rel="?next"?/.exec(link) : null;
  return { body, next: m ? new URL(m[1], url).href : undefined };
}

export async function resolveRevision(base: string, repo: string, revision: string, opts: ListingOptions): Promise<string> {
  if (/^[0-9a-f]{40}$/.test(revision)) return revision;
  const { body } = await getJson(`${base}/api/models/${repo}/revision/${encodeURIComponent(revision)}`, `the revision "${revision}" of ${repo}`, opts);
  const sha = (body as { sha?: unknown }).sha;
  if (typeof sha !== 'string' || !/^[0-9a-f]{40}$/.test(sha)) throw new EngineError('DOWNLOAD_FAILED', `${repo}@${revision}: the server did not name a commit`);
  return sha;
}

export async function listTree(base: string, repo: string, sha: string, folder: string, opts: ListingOptions): Promise<TreeEntry[]> {
  let url: string | undefined = `${base}/api/models/${repo}/tree/${sha}/${folder.split('/').map(encodeURIComponent).join('/')}?recursive=true`;
  const out: TreeEntry[] = [];
  for (let page = 0; url && page < 1000; page++) {
    const r: { body: unknown; next?: string } = await getJson(url, `the folder ${folder} of ${repo}@${sha.slice(0, 8)}`, opts);
    if (!Array.isArray(r.body)) throw new EngineError('DOWNLOAD_FAILED', `the file list of ${repo}/${folder} is not a list`);
    for (const e of r.body as TreeEntry[]) {
      if ((e.type !== 'file' && e.type !== 'directory') || typeof e.path !== 'string') throw new EngineError('DOWNLOAD_FAILED', `the file list of ${repo}/${folder} has a malformed entry`);
      out.push(e);
    }
    url = r.next;
  }
  return out;
}
