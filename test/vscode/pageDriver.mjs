// The workbench page, driven like a user from inside the extension host. The runner owns the browser page; tests in
// the extension host cannot reach it, so the runner serves a tiny loopback HTTP API and hands its address to the host
// as POCKET_READER_PAGE_DRIVER (every env var of code-server reaches the extension host). The suite side is
// test/vscode/suite/page.ts.
//   POST /screenshot { file }                         → page screenshot (PNG)
//   POST /click      { selector, frame? }             → a real click (a user gesture, so webview autoplay unlocks)
//   POST /press      { keys, frame? }                 → keyboard press (e.g. "Enter", "Control+Shift+P")
//   POST /type       { text, paste? }                 → types text into the focused element, key by key (or pastes it)
//   POST /eval       { expression, frame? }           → JSON value of a JS expression evaluated in the page or frame
//                                                       (a look, not a touch: no user activation, see below)
//   POST /frames     {}                               → [{ url, name }] of every frame
// `frame` selects the first frame (webviews are nested iframes) that contains `frame.hasSelector` and/or whose URL
// includes `frame.urlIncludes`; without it the top page is used. Requests wait up to `timeoutMs` (default 10 s) for
// the frame/selector to appear.
import http from 'node:http';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function findFrame(page, spec, timeoutMs) {
  if (!spec) return page.mainFrame();
  const t0 = Date.now();
  for (;;) {
    for (const f of page.frames()) {
      if (spec.urlIncludes && !f.url().includes(spec.urlIncludes)) continue;
      if (spec.name && f.name() !== spec.name) continue;
      try {
        if (spec.hasSelector && !(await f.$(spec.hasSelector))) continue;
      } catch {
        continue; // detached while looking
      }
      return f;
    }
    if (Date.now() - t0 > timeoutMs) throw new Error(`no frame matches ${JSON.stringify(spec)} after ${timeoutMs} ms (frames: ${page.frames().map((f) => f.url()).join(', ')})`);
    await sleep(100);
  }
}

/**
 * Looks without touching: DOM reads and screenshots through a raw CDP session. Playwright evaluates with
 * `userGesture: true` (its screenshots too, in every frame), which gives frames user activation: a test merely looking
 * at the player view would unlock its audio the way only a click should. Reads run in an isolated world of the frame.
 * (Frames in other renderer processes are not in this page's frame tree; the workbench and its webviews share one
 * site, 127.0.0.1, so they are.)
 */
function pageReader(page) {
  let session;
  const worlds = new Map(); // CDP frame id → execution context id of our isolated world
  const cdp = async () => (session ??= await page.context().newCDPSession(page));
  async function frames() {
    const { frameTree } = await (await cdp()).send('Page.getFrameTree');
    const out = [];
    const walk = (node) => {
      out.push(node.frame);
      for (const child of node.childFrames ?? []) walk(child);
    };
    walk(frameTree);
    return out;
  }
  async function evaluate(frameId, expression) {
    const c = await cdp();
    for (let attempt = 0; ; attempt++) {
      if (!worlds.has(frameId)) {
        const { executionContextId } = await c.send('Page.createIsolatedWorld', { frameId, worldName: 'pocket-reader-page-driver' });
        worlds.set(frameId, executionContextId);
      }
      const r = await c
        .send('Runtime.evaluate', { expression, contextId: worlds.get(frameId), returnByValue: true, awaitPromise: true, userGesture: false })
        .catch((e) => ({ lost: e }));
      if (r.lost) {
        worlds.delete(frameId); // the frame navigated and took our world with it
        if (attempt === 0) continue;
        throw r.lost;
      }
      if (r.exceptionDetails) throw new Error(r.exceptionDetails.exception?.description ?? r.exceptionDetails.text);
      return r.result.value;
    }
  }
  /** The CDP id of the first frame matching `spec` (the main frame without one), waiting up to `timeoutMs`. */
  async function find(spec, timeoutMs) {
    const t0 = Date.now();
    for (;;) {
      const all = await frames();
      if (!spec) return all[0].id;
      for (const f of all) {
        if (spec.urlIncludes && !f.url.includes(spec.urlIncludes)) continue;
        if (spec.name && f.name !== spec.name) continue;
        try {
          if (spec.hasSelector && !(await evaluate(f.id, `!!document.querySelector(${JSON.stringify(spec.hasSelector)})`))) continue;
        } catch {
          continue; // detached or navigating while looking
        }
        return f.id;
      }
      if (Date.now() - t0 > timeoutMs) throw new Error(`no frame matches ${JSON.stringify(spec)} after ${timeoutMs} ms (frames: ${all.map((f) => f.url).join(', ')})`);
      await sleep(100);
    }
  }
  async function screenshot() {
    const { data } = await (await cdp()).send('Page.captureScreenshot', { format: 'png' });
    return Buffer.from(data, 'base64');
  }
  return { find, evaluate, screenshot };
}

async function handle(page, reader, route, body) {
  const timeoutMs = body.timeoutMs ?? 10_000;
  switch (route) {
    case '/screenshot': {
      mkdirSync(path.dirname(body.file), { recursive: true });
      writeFileSync(body.file, await reader.screenshot());
      return { file: body.file };
    }
    case '/click': {
      const f = await findFrame(page, body.frame, timeoutMs);
      await f.click(body.selector, { timeout: timeoutMs });
      return { clicked: body.selector };
    }
    case '/press': {
      if (body.frame) {
        const f = await findFrame(page, body.frame, timeoutMs);
        await f.press(body.selector ?? 'body', body.keys, { timeout: timeoutMs });
      } else await page.keyboard.press(body.keys);
      return { pressed: body.keys };
    }
    case '/type':
      if (body.paste) await page.keyboard.insertText(body.text);
      else await page.keyboard.type(body.text);
      return { typed: body.text.length };
    case '/eval': {
      const frameId = await reader.find(body.frame, timeoutMs);
      return { value: await reader.evaluate(frameId, body.expression) };
    }
    case '/frames':
      return { frames: page.frames().map((f) => ({ url: f.url(), name: f.name() })) };
    default:
      throw new Error(`unknown route ${route}`);
  }
}

/** Starts the API; `getPage()` returns the page once the browser is up (requests before that wait for it). */
export async function startPageDriver(getPage) {
  let reader; // made once the page exists
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (d) => (raw += d));
    req.on('end', async () => {
      try {
        let page = getPage();
        for (let i = 0; !page && i < 600; i++) (await sleep(100), (page = getPage()));
        if (!page) throw new Error('the workbench page is not open');
        reader ??= pageReader(page);
        const out = await handle(page, reader, new URL(req.url, 'http://x').pathname, raw ? JSON.parse(raw) : {});
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(out));
      } catch (e) {
        res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ error: String(e?.message ?? e) }));
      }
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${server.address().port}`, close: () => new Promise((r) => server.close(() => r())) };
}
