/**
 * Proxy support with built-ins only. Node's http/https ignore HTTPS_PROXY, so the CLI (and a worker thread,
 * which does not get VS Code's patched http stack) would otherwise fail behind a corporate proxy.
 */
import http from 'node:http';
import type { Socket } from 'node:net';
import { EngineError } from '../shared/errors';

/**
 * The proxy for `target` from the environment, curl-style: HTTPS_PROXY (falling back to HTTP_PROXY) for
 * https, HTTP_PROXY for http, either case; NO_PROXY lists hosts/domain suffixes (optionally `:port`) or `*`.
 * Loopback is never proxied: a local mirror or test server must be reachable whatever the environment says.
 */
export function proxyFromEnv(target: URL, env: NodeJS.ProcessEnv = process.env): URL | null {
  const host = bareHost(target.hostname);
  if (host === 'localhost' || host === '::1' || host.startsWith('127.')) return null;
  const pick = (...keys: string[]) => keys.map((k) => env[k]).find((v) => v !== undefined && v !== '');
  const raw =
    target.protocol === 'https:'
      ? pick('https_proxy', 'HTTPS_PROXY', 'http_proxy', 'HTTP_PROXY')
      : pick('http_proxy', 'HTTP_PROXY');
  if (!raw || bypassed(target, host, pick('no_proxy', 'NO_PROXY') ?? '')) return null;
  return parseProxyUrl(raw);
}

export function parseProxyUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `http://${raw}`);
  } catch {
    throw new EngineError('DOWNLOAD_FAILED', `The proxy setting "${raw}" is not a valid URL.`);
  }
  // An https:// or socks proxy needs more than built-ins can do simply; say so instead of connecting directly.
  if (url.protocol !== 'http:') {
    throw new EngineError('DOWNLOAD_FAILED', `Unsupported proxy ${url.protocol}//${url.host}: only http:// proxies are supported.`);
  }
  return url;
}

function bypassed(target: URL, host: string, noProxy: string): boolean {
  const port = target.port || (target.protocol === 'https:' ? '443' : '80');
  return noProxy
    .split(/[\s,]+/)
    .filter(Boolean)
    .some((entry) => {
      if (entry === '*') return true;
      const m = /^(.*?)(?::(\d+))?$/.exec(entry.toLowerCase())!;
      if (m[2] && m[2] !== port) return false;
      const domain = bareHost(m[1]!.replace(/^\*?\./, ''));
      return host === domain || host.endsWith(`.${domain}`);
    });
}

function bareHost(h: string): string {
  return h.replace(/^\[|\]$/g, '').toLowerCase();
}

export function proxyAuthHeader(proxy: URL): Record<string, string> {
  if (!proxy.username) return {};
  const creds = `${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`;
  return { 'Proxy-Authorization': `Basic ${Buffer.from(creds).toString('base64')}` };
}

/** Opens a CONNECT tunnel through `proxy` to host:port; the caller layers TLS (or plain HTTP) on the socket. */
export function openTunnel(proxy: URL, host: string, port: number, opts: { signal?: AbortSignal; timeoutMs: number }): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const authority = `${host.includes(':') && !host.startsWith('[') ? `[${host}]` : host}:${port}`;
    const req = http.request({
      host: bareHost(proxy.hostname),
      port: Number(proxy.port || 80),
      method: 'CONNECT',
      path: authority,
      headers: { Host: authority, ...proxyAuthHeader(proxy) },
      signal: opts.signal,
      timeout: opts.timeoutMs,
    });
    req.once('connect', (res, socket) => {
      if (res.statusCode === 200) return resolve(socket);
      socket.destroy();
      reject(new EngineError('DOWNLOAD_FAILED', `The proxy ${proxy.host} refused to connect to ${authority} (HTTP ${res.statusCode}).`));
    });
    req.once('timeout', () => req.destroy(new EngineError('DOWNLOAD_FAILED', `The proxy ${proxy.host} did not answer within ${opts.timeoutMs / 1000}s.`)));
    req.once('error', (err) => reject(err));
    req.end();
  });
}
