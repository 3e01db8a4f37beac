/**
 * One GET with redirects, an idle timeout, cancellation and optional proxy, on Node's http/https.
 * Model hosts answer with a redirect to a CDN (sometimes a relative one), so redirects are the normal path.
 */
import http, { type ClientRequest, type IncomingMessage } from 'node:http';
import https from 'node:https';
import tls from 'node:tls';
import { EngineError } from '../shared/errors';
import { errorMessage } from './files';
import { openTunnel, parseProxyUrl, proxyAuthHeader, proxyFromEnv } from './proxy';

export interface GetOptions {
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** Fail when the socket sees no traffic for this long (connecting, waiting or mid-body). */
  idleTimeoutMs: number;
  maxRedirects?: number;
  /** Explicit proxy URL, null for a direct connection, undefined to read HTTPS_PROXY/HTTP_PROXY/NO_PROXY. */
  proxy?: string | null;
  /** Names the file in error messages. */
  label: string;
}

export interface OpenResponse {
  res: IncomingMessage;
  url: URL;
  /**
   * Why we tore the connection down ourselves (cancel or idle timeout), if we did. A destroyed socket
   * surfaces on the body stream as a bare "aborted", so the body reader asks this for the real reason.
   */
  reason(): EngineError | undefined;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

export async function openGet(rawUrl: string, opts: GetOptions): Promise<OpenResponse> {
  const maxRedirects = opts.maxRedirects ?? 5;
  let url = new URL(rawUrl);
  for (let hop = 0; ; hop++) {
    const opened = await requestOnce(url, opts);
    const { res } = opened;
    const location = res.headers.location;
    if (!REDIRECTS.has(res.statusCode ?? 0) || !location) return opened;
    res.resume(); // drain so the socket can be reused
    if (hop >= maxRedirects) {
      throw new EngineError('DOWNLOAD_FAILED', `Too many redirects (more than ${maxRedirects}) while downloading ${opts.label} from ${rawUrl}.`);
    }
    url = new URL(location, url); // Location may be relative to the URL that sent it
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new EngineError('DOWNLOAD_FAILED', `Refusing a redirect to ${url.protocol} while downloading ${opts.label}.`);
    }
  }
}

/**
 * The host cannot be reached at all (name lookup, route or connection refused): offline, or a network that only
 * lets a proxy out. Retrying at once does not help; a dropped or reset connection is not this.
 */
const UNREACHABLE = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'ENETUNREACH', 'ENETDOWN', 'EHOSTUNREACH', 'ECONNREFUSED', 'ETIMEDOUT']);

function isUnreachable(err: unknown): boolean {
  return UNREACHABLE.has((err as NodeJS.ErrnoException | undefined)?.code ?? '');
}

export function cancelled(label: string): EngineError {
  return new EngineError('CANCELLED', `Download of ${label} was cancelled.`);
}

async function requestOnce(url: URL, opts: GetOptions): Promise<OpenResponse> {
  if (opts.signal?.aborted) throw cancelled(opts.label);
  const proxy = opts.proxy === undefined ? proxyFromEnv(url) : opts.proxy === null ? null : parseProxyUrl(opts.proxy);
  const headers = { 'User-Agent': 'pocket-reader', ...opts.headers };
  let req: ClientRequest;
  if (!proxy) {
    req = (url.protocol === 'https:' ? https : http).request(url, { headers });
  } else if (url.protocol === 'http:') {
    // Plain http goes to the proxy with the absolute URL as the request target.
    req = http.request({
      host: proxy.hostname.replace(/^\[|\]$/g, ''),
      port: Number(proxy.port || 80),
      path: url.href,
      headers: { ...headers, Host: url.host, ...proxyAuthHeader(proxy) },
    });
  } else {
    let socket;
    try {
      socket = await openTunnel(proxy, url.hostname, Number(url.port || 443), { signal: opts.signal, timeoutMs: opts.idleTimeoutMs });
    } catch (err) {
      if (opts.signal?.aborted) throw cancelled(opts.label);
      throw err instanceof EngineError ? err : new EngineError('DOWNLOAD_FAILED', `Could not reach the proxy ${proxy.host}: ${errorMessage(err)}`);
    }
    const servername = url.hostname.replace(/^\[|\]$/g, '');
    // No `agent`: with an agent (even agent: false) Node ignores createConnection and dials directly.
    req = https.request(url, { headers, createConnection: () => tls.connect({ socket, servername }) });
  }

  let reason: EngineError | undefined;
  const onAbort = () => {
    reason = cancelled(opts.label);
    req.destroy(reason);
  };
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  req.once('close', () => opts.signal?.removeEventListener('abort', onAbort));
  req.setTimeout(opts.idleTimeoutMs, () => {
    reason = new EngineError('DOWNLOAD_FAILED', `No data from ${url.host} for ${Math.round(opts.idleTimeoutMs / 1000)}s while downloading ${opts.label}.`);
    req.destroy(reason);
  });

  return new Promise((resolve, reject) => {
    req.once('response', (res) => resolve({ res, url, reason: () => reason }));
    req.on('error', (err) => {
      if (reason) return reject(reason);
      const raw = `Could not download ${opts.label} from ${url.host}: ${errorMessage(err)}`;
      reject(isUnreachable(err) ? new EngineError('OFFLINE', `Cannot reach ${url.host}.`, raw) : new EngineError('DOWNLOAD_FAILED', raw));
    });
    req.end();
  });
}
