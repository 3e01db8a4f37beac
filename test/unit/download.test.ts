import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, beforeEach, describe, test } from 'node:test';
import { EngineError } from '../../src/shared/errors';
import { downloadFile, type DownloadProgress } from '../../src/store/download';
import { writeFailure } from '../../src/store/files';
import { openTunnel, proxyFromEnv } from '../../src/store/proxy';

/** What the test server does for one path; mutable so a test can change behaviour between calls. */
interface Route {
  body?: Buffer;
  redirect?: string;
  ignoreRange?: boolean;
  /** Send this many bytes, then kill the socket (for `dropTimes` requests, default 1). */
  dropAfter?: number;
  dropTimes?: number;
  /** Send this many bytes, then go silent forever. */
  stallAfter?: number;
}

interface Seen {
  path: string;
  range?: string;
}

function startServer(routes: Record<string, Route>) {
  const seen: Seen[] = [];
  const server = http.createServer((req, res) => {
    const p = req.url ?? '/';
    seen.push({ path: p, range: req.headers.range });
    const r = routes[p];
    if (!r) {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
      return;
    }
    if (r.redirect) {
      res.writeHead(302, { Location: r.redirect }).end();
      return;
    }
    const body = r.body!;
    let start = 0;
    const m = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    const headers: Record<string, string | number> = {};
    let status = 200;
    if (m && !r.ignoreRange) {
      start = Number(m[1]);
      if (start >= body.length) {
        res.writeHead(416, { 'Content-Range': `bytes */${body.length}` }).end();
        return;
      }
      status = 206;
      headers['Content-Range'] = `bytes ${start}-${body.length - 1}/${body.length}`;
    }
    const slice = body.subarray(start);
    res.writeHead(status, { ...headers, 'Content-Length': slice.length });
    if (r.dropAfter !== undefined && (r.dropTimes ?? 1) > 0) {
      r.dropTimes = (r.dropTimes ?? 1) - 1;
      res.write(slice.subarray(0, r.dropAfter), () => setTimeout(() => req.socket.destroy(), 20));
      return;
    }
    if (r.stallAfter !== undefined) {
      res.write(slice.subarray(0, r.stallAfter));
      return;
    }
    res.end(slice);
  });
  return new Promise<{ base: string; seen: Seen[]; close: () => Promise<void> }>((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        base: `http://127.0.0.1:${port}`,
        seen,
        close: () => {
          server.closeAllConnections();
          return new Promise((r) => server.close(() => r()));
        },
      });
    });
  });
}

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('downloadFile', () => {
  const body = randomBytes(300_000);
  const routes: Record<string, Route> = {};
  let srv: Awaited<ReturnType<typeof startServer>>;
  let dir: string;

  before(async () => {
    srv = await startServer(routes);
  });
  const dirs: string[] = [];
  after(async () => {
    await srv.close();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'pr-dl-'));
    dirs.push(dir);
    srv.seen.length = 0;
    for (const k of Object.keys(routes)) delete routes[k];
  });

  const opts = (p: string, extra: Partial<Parameters<typeof downloadFile>[0]> = {}) => ({
    url: srv.base + p,
    dest: path.join(dir, 'model.onnx'),
    sha256: sha(body),
    bytes: body.length,
    retryDelayMs: 5,
    ...extra,
  });

  test('downloads, verifies and reports monotonic progress', async () => {
    routes['/f'] = { body };
    const events: DownloadProgress[] = [];
    const r = await downloadFile(opts('/f', { onProgress: (p) => events.push(p) }));
    assert.deepEqual(r, { bytes: body.length, resumedFrom: 0 });
    assert.ok(readFileSync(path.join(dir, 'model.onnx')).equals(body));
    assert.ok(!existsSync(path.join(dir, 'model.onnx.partial')));
    assert.ok(events.length > 1);
    assert.deepEqual(events.at(-1), { bytes: body.length, total: body.length });
    for (let i = 1; i < events.length; i++) assert.ok(events[i]!.bytes >= events[i - 1]!.bytes);
  });

  test('creates missing parent folders (voices/)', async () => {
    routes['/f'] = { body };
    await downloadFile(opts('/f', { dest: path.join(dir, 'voices', 'alba.safetensors') }));
    assert.ok(existsSync(path.join(dir, 'voices', 'alba.safetensors')));
  });

  test('a dropped connection keeps the partial; the next call resumes with Range', async () => {
    routes['/f'] = { body, dropAfter: 100_000 };
    await assert.rejects(downloadFile(opts('/f', { retries: 0 })), (e: EngineError) => e.code === 'DOWNLOAD_FAILED' && /model\.onnx/.test(e.message));
    // Node may discard bytes still buffered in the response when the socket dies, so "up to 100 000".
    const partial = statSync(path.join(dir, 'model.onnx.partial')).size;
    assert.ok(partial > 0 && partial <= 100_000, `partial ${partial}`);
    assert.ok(!existsSync(path.join(dir, 'model.onnx')));

    const r = await downloadFile(opts('/f'));
    assert.equal(r.resumedFrom, partial);
    assert.equal(srv.seen.at(-1)!.range, `bytes=${partial}-`);
    assert.equal(sha(readFileSync(path.join(dir, 'model.onnx'))), sha(body));
  });

  test('a dropped connection is resumed automatically within one call', async () => {
    routes['/f'] = { body, dropAfter: 50_000, dropTimes: 2 };
    const r = await downloadFile(opts('/f'));
    const ranges = srv.seen.map((s) => s.range);
    assert.equal(ranges.length, 3);
    assert.equal(ranges[0], undefined);
    assert.match(ranges[1]!, /^bytes=\d+-$/);
    assert.equal(ranges[2], `bytes=${r.resumedFrom}-`);
    assert.ok(r.resumedFrom > 0);
    assert.ok(readFileSync(path.join(dir, 'model.onnx')).equals(body));
  });

  test('a server that ignores Range (200) restarts cleanly over a stale partial', async () => {
    routes['/f'] = { body, ignoreRange: true };
    writeFileSync(path.join(dir, 'model.onnx.partial'), randomBytes(70_000)); // garbage that must not survive
    const r = await downloadFile(opts('/f'));
    assert.equal(srv.seen[0]!.range, 'bytes=70000-');
    assert.equal(srv.seen.length, 1);
    assert.equal(r.resumedFrom, 0);
    assert.ok(readFileSync(path.join(dir, 'model.onnx')).equals(body));
  });

  test('a corrupt partial that the server resumes is caught by sha256 and downloaded once more in full', async () => {
    routes['/f'] = { body };
    writeFileSync(path.join(dir, 'model.onnx.partial'), randomBytes(70_000));
    await downloadFile(opts('/f'));
    assert.deepEqual(
      srv.seen.map((s) => s.range),
      ['bytes=70000-', undefined],
    );
    assert.ok(readFileSync(path.join(dir, 'model.onnx')).equals(body));
  });

  test('416 (partial at least as long as the file) restarts without Range', async () => {
    routes['/f'] = { body };
    writeFileSync(path.join(dir, 'model.onnx.partial'), randomBytes(body.length + 10));
    await downloadFile(opts('/f', { bytes: null })); // size unknown, so only the server can tell
    assert.deepEqual(
      srv.seen.map((s) => s.range),
      [`bytes=${body.length + 10}-`, undefined],
    );
    assert.ok(readFileSync(path.join(dir, 'model.onnx')).equals(body));
  });

  test('wrong bytes are rejected, named, and never renamed into place', async () => {
    const wrong = Buffer.from(body);
    wrong[1234] ^= 0xff;
    routes['/f'] = { body: wrong };
    await assert.rejects(downloadFile(opts('/f')), (e: EngineError) => {
      assert.equal(e.code, 'MODEL_CORRUPT');
      assert.match(e.message, /model\.onnx/);
      assert.match(e.message, /sha256/);
      return true;
    });
    assert.ok(!existsSync(path.join(dir, 'model.onnx')));
    assert.ok(!existsSync(path.join(dir, 'model.onnx.partial')));
    assert.equal(srv.seen.length, 1);
  });

  test('a size that differs from the pinned one is refused before downloading', async () => {
    routes['/f'] = { body: body.subarray(0, 1000) };
    await assert.rejects(downloadFile(opts('/f')), (e: EngineError) => e.code === 'MODEL_CORRUPT' && /model\.onnx/.test(e.message));
    assert.ok(!existsSync(path.join(dir, 'model.onnx')));
  });

  test('cancel mid-download keeps the partial; a later call resumes it', async () => {
    routes['/f'] = { body, stallAfter: 120_000 };
    const ac = new AbortController();
    const p = downloadFile(
      opts('/f', {
        signal: ac.signal,
        onProgress: (e) => {
          if (e.bytes >= 120_000) ac.abort();
        },
      }),
    );
    await assert.rejects(p, (e: EngineError) => e instanceof EngineError && e.code === 'CANCELLED');
    const kept = statSync(path.join(dir, 'model.onnx.partial')).size;
    assert.equal(kept, 120_000); // every byte received before the cancel is kept
    assert.ok(!existsSync(path.join(dir, 'model.onnx')));

    routes['/f'] = { body };
    const r = await downloadFile(opts('/f'));
    assert.equal(srv.seen.at(-1)!.range, `bytes=${kept}-`);
    assert.equal(r.resumedFrom, kept);
    assert.ok(readFileSync(path.join(dir, 'model.onnx')).equals(body));
  });

  test('an already-aborted signal makes no request', async () => {
    routes['/f'] = { body };
    const ac = new AbortController();
    ac.abort();
    await assert.rejects(downloadFile(opts('/f', { signal: ac.signal })), (e: EngineError) => e.code === 'CANCELLED');
    assert.equal(srv.seen.length, 0);
  });

  test('idle timeout fails with a clear message and keeps the partial', async () => {
    routes['/f'] = { body, stallAfter: 10_000 };
    await assert.rejects(downloadFile(opts('/f', { idleTimeoutMs: 200, retries: 0 })), (e: EngineError) => e.code === 'DOWNLOAD_FAILED' && /No data/.test(e.message));
    assert.ok(existsSync(path.join(dir, 'model.onnx.partial')));
  });

  test('follows relative and absolute redirects', async () => {
    routes['/a/start'] = { redirect: 'next' }; // relative to /a/start -> /a/next
    routes['/a/next'] = { redirect: `${srv.base}/cdn/blob` };
    routes['/cdn/blob'] = { body };
    await downloadFile(opts('/a/start'));
    assert.deepEqual(
      srv.seen.map((s) => s.path),
      ['/a/start', '/a/next', '/cdn/blob'],
    );
    assert.ok(readFileSync(path.join(dir, 'model.onnx')).equals(body));
  });

  test('keeps the Range header across redirects when resuming', async () => {
    routes['/r'] = { redirect: '/cdn/blob' };
    routes['/cdn/blob'] = { body };
    writeFileSync(path.join(dir, 'model.onnx.partial'), body.subarray(0, 5000));
    const r = await downloadFile(opts('/r'));
    assert.deepEqual(
      srv.seen.map((s) => s.range),
      ['bytes=5000-', 'bytes=5000-'],
    );
    assert.equal(r.resumedFrom, 5000);
  });

  test('gives up after 5 redirects', async () => {
    routes['/loop'] = { redirect: '/loop' };
    await assert.rejects(downloadFile(opts('/loop', { retries: 0 })), (e: EngineError) => e.code === 'DOWNLOAD_FAILED' && /redirects/.test(e.message));
    assert.equal(srv.seen.length, 6);
  });

  test('404 is a clear, non-retried error naming the file', async () => {
    await assert.rejects(downloadFile(opts('/missing')), (e: EngineError) => {
      assert.equal(e.code, 'DOWNLOAD_FAILED');
      assert.match(e.message, /model\.onnx/);
      assert.match(e.message, /404/);
      return true;
    });
    assert.equal(srv.seen.length, 1);
    assert.ok(!existsSync(path.join(dir, 'model.onnx.partial')));
  });

  test('an unreachable server (connection refused) is OFFLINE at once: no retries, the raw text kept as detail', async () => {
    const closed = net.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', () => r()));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const t0 = Date.now();
    await assert.rejects(downloadFile({ ...opts('/f'), url: `http://127.0.0.1:${port}/f`, retryDelayMs: 2000 }), (e: EngineError) => {
      assert.equal(e.code, 'OFFLINE');
      assert.equal(e.message, `Cannot reach 127.0.0.1:${port}.`);
      assert.match(e.detail ?? '', /ECONNREFUSED/);
      return true;
    });
    assert.ok(Date.now() - t0 < 1500, 'failed without waiting for retries');
  });

  test('a host name that does not resolve is OFFLINE', async () => {
    await assert.rejects(downloadFile({ ...opts('/f'), url: 'http://pocket-reader-test.invalid/f', retries: 0 }), (e: EngineError) => e.code === 'OFFLINE' && /ENOTFOUND|EAI_AGAIN/.test(e.detail ?? ''));
  });

  test('a complete partial from an interrupted rename is finished without a request', async () => {
    writeFileSync(path.join(dir, 'model.onnx.partial'), body);
    await downloadFile(opts('/f'));
    assert.equal(srv.seen.length, 0);
    assert.ok(readFileSync(path.join(dir, 'model.onnx')).equals(body));
  });

  test('goes through an explicit http proxy', async () => {
    routes['/f'] = { body };
    const proxied: string[] = [];
    const proxy = http.createServer((req, res) => {
      proxied.push(req.url ?? '');
      const up = http.request(req.url!, { headers: req.headers }, (ur) => {
        res.writeHead(ur.statusCode!, ur.headers);
        ur.pipe(res);
      });
      req.pipe(up);
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', () => r()));
    try {
      const port = (proxy.address() as AddressInfo).port;
      await downloadFile(opts('/f', { proxy: `http://127.0.0.1:${port}` }));
      assert.deepEqual(proxied, [`${srv.base}/f`]);
      assert.ok(readFileSync(path.join(dir, 'model.onnx')).equals(body));
    } finally {
      proxy.closeAllConnections();
      await new Promise((r) => proxy.close(r));
    }
  });

  test('openTunnel speaks CONNECT (used for https through a proxy)', async () => {
    routes['/f'] = { body: Buffer.from('hello') };
    const proxy = http.createServer();
    const connects: string[] = [];
    const tunnels: net.Socket[] = []; // upgraded sockets are no longer the http server's to close
    proxy.on('connect', (req, client: net.Socket) => {
      connects.push(req.url ?? '');
      tunnels.push(client);
      const [host, port] = (req.url ?? '').split(':');
      const up = net.connect(Number(port), host, () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        up.pipe(client);
        client.pipe(up);
      });
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', () => r()));
    try {
      const target = new URL(srv.base);
      const socket = await openTunnel(new URL(`http://127.0.0.1:${(proxy.address() as AddressInfo).port}`), target.hostname, Number(target.port), { timeoutMs: 2000 });
      const text = await new Promise<string>((resolve, reject) => {
        http
          .get({ path: '/f', host: target.hostname, createConnection: () => socket }, (res) => {
            let s = '';
            res.on('data', (d) => (s += d));
            res.on('end', () => resolve(s));
          })
          .on('error', reject);
      });
      assert.equal(text, 'hello');
      assert.deepEqual(connects, [`127.0.0.1:${target.port}`]);
      socket.destroy();
    } finally {
      for (const t of tunnels) t.destroy();
      proxy.closeAllConnections();
      await new Promise((r) => proxy.close(r));
    }
  });

  test('not-writable folders get an actionable message', () => {
    const err = Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
    const mapped = writeFailure(err, '/ro/models');
    assert.equal(mapped?.code, 'DOWNLOAD_FAILED');
    assert.match(mapped!.message, /\/ro\/models is not writable/);
    assert.equal(writeFailure(Object.assign(new Error('x'), { code: 'ECONNRESET' }), '/x'), null);
  });
});

describe('proxyFromEnv', () => {
  const hf = new URL('https://huggingface.co/x');
  test('HTTPS_PROXY (either case), falling back to HTTP_PROXY', () => {
    assert.equal(proxyFromEnv(hf, { HTTPS_PROXY: 'http://p:3128' })?.host, 'p:3128');
    assert.equal(proxyFromEnv(hf, { https_proxy: 'p2:8080' })?.host, 'p2:8080');
    assert.equal(proxyFromEnv(hf, { HTTP_PROXY: 'http://p3:1' })?.host, 'p3:1');
    assert.equal(proxyFromEnv(new URL('http://example.com/'), { HTTPS_PROXY: 'http://p:1' }), null);
    assert.equal(proxyFromEnv(hf, {}), null);
  });
  test('NO_PROXY: exact, suffix, leading dot, port, wildcard; loopback is never proxied', () => {
    const env = (NO_PROXY: string) => ({ HTTPS_PROXY: 'http://p:1', NO_PROXY });
    assert.equal(proxyFromEnv(hf, env('huggingface.co')), null);
    assert.equal(proxyFromEnv(new URL('https://cdn.huggingface.co/'), env('.huggingface.co')), null);
    assert.equal(proxyFromEnv(new URL('https://cdn.huggingface.co/'), env('huggingface.co')), null);
    assert.notEqual(proxyFromEnv(new URL('https://nothuggingface.co/'), env('huggingface.co')), null);
    assert.equal(proxyFromEnv(hf, env('huggingface.co:443')), null);
    assert.notEqual(proxyFromEnv(hf, env('huggingface.co:8443')), null);
    assert.equal(proxyFromEnv(hf, env('*')), null);
    assert.equal(proxyFromEnv(new URL('http://127.0.0.1:9/'), { HTTP_PROXY: 'http://p:1' }), null);
  });
  test('rejects proxy schemes built-ins cannot speak', () => {
    assert.throws(() => proxyFromEnv(hf, { HTTPS_PROXY: 'socks5://p:1080' }), (e: EngineError) => e.code === 'DOWNLOAD_FAILED' && /only http/.test(e.message));
  });
});
