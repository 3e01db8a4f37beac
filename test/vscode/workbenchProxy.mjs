// Gives the workbench's webviews their own origin, as they have wherever users are: desktop VS Code loads them from
// vscode-webview://<id> and browsers from <hash>.vscode-cdn.net, both cross-origin to the workbench. code-server
// serves them from the workbench's own origin, where a browser lets them play audio without a click, so the player
// view's "Click to enable audio" path could not be tested there.
// The browser therefore talks to the workbench through this pass-through proxy (HTTP and WebSocket) on another port,
// which points the page's `webviewEndpoint` (and its CSP frame-src) at code-server's own port: same host (which the
// webview bootstrap requires), different origin. Nothing is intercepted inside the browser, whose local-network
// checks refuse loopback connections from a document it did not load from the network itself.
import http from 'node:http';
import net from 'node:net';

/** Proxies 127.0.0.1:<port> → 127.0.0.1:`codeServerPort`; returns the proxy's port and close(). */
export async function startWorkbenchProxy(codeServerPort) {
  const webviewOrigin = `http://127.0.0.1:${codeServerPort}`;
  const sockets = new Set();
  const server = http.createServer((req, res) => {
    const isPage = req.method === 'GET' && new URL(req.url, 'http://x').pathname === '/';
    const headers = { ...req.headers };
    if (isPage) delete headers['accept-encoding']; // the page is rewritten as text
    const upstream = http.request({ host: '127.0.0.1', port: codeServerPort, method: req.method, path: req.url, headers }, (r) => {
      if (!isPage || !/text\/html/.test(r.headers['content-type'] ?? '')) {
        res.writeHead(r.statusCode ?? 502, r.headers);
        r.pipe(res);
        return;
      }
      let html = '';
      r.setEncoding('utf8');
      r.on('data', (d) => (html += d));
      r.on('end', () => {
        // The endpoint is a relative path inside the page's HTML-escaped JSON configuration.
        const page = html.replace(/(webviewEndpoint&quot;:&quot;)(?!http)/, `$1${webviewOrigin}/`);
        const out = { ...r.headers };
        delete out['content-length'];
        delete out['transfer-encoding'];
        if (out['content-security-policy']) out['content-security-policy'] = String(out['content-security-policy']).replace(/frame-src /, `frame-src ${webviewOrigin} `);
        res.writeHead(r.statusCode ?? 502, out);
        res.end(page);
      });
    });
    upstream.on('error', (e) => res.writeHead(502).end(String(e)));
    req.pipe(upstream);
  });
  server.on('upgrade', (req, socket, head) => {
    const upstream = net.connect(codeServerPort, '127.0.0.1', () => {
      const lines = [`${req.method} ${req.url} HTTP/${req.httpVersion}`];
      for (let i = 0; i < req.rawHeaders.length; i += 2) lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
      upstream.write(lines.join('\r\n') + '\r\n\r\n');
      if (head?.length) upstream.write(head);
      upstream.pipe(socket).pipe(upstream);
    });
    for (const s of [socket, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => (socket.destroy(), upstream.destroy()));
    }
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: server.address().port,
    close: () =>
      new Promise((r) => {
        for (const s of sockets) s.destroy();
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
