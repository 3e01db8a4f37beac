import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, beforeEach, describe, test } from 'node:test';
import { EngineError } from '../../src/shared/errors';
import {
  assertModelDir,
  checkModelDir,
  defaultModelCacheDir,
  ensureModelSet,
  onnxManifest,
  resolveModelFile,
  type ModelManifest,
  type ModelSetProgress,
} from '../../src/store/modelStore';
import { defaultGroups } from '../../src/store/manifest';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** Fake bundle: same names and groups as the real one, small random contents. */
const blobs: Record<string, Buffer> = {
  'bundle.json': Buffer.from('{"schema_version":2}'),
  'tokenizer.model': randomBytes(3000),
  'flow_lm_main_int8.onnx': randomBytes(40_000),
  LICENSE: Buffer.from('CC BY 4.0'),
  'voices/alba.safetensors': randomBytes(5000),
  'voices/bob.safetensors': randomBytes(6000),
  'flow_lm_main.onnx': randomBytes(90_000),
};
const groupOf: Record<string, string> = {
  'bundle.json': 'core',
  'tokenizer.model': 'core',
  'flow_lm_main_int8.onnx': 'core',
  LICENSE: 'core',
  'voices/alba.safetensors': 'voice:alba',
  'voices/bob.safetensors': 'voice:bob',
  'flow_lm_main.onnx': 'fp32',
};

function manifestFor(base: string, unknownSize: string[] = []): ModelManifest {
  return {
    schemaVersion: 1,
    bundle: 'test_bundle',
    license: 'CC-BY-4.0',
    defaultVoice: 'alba',
    files: Object.entries(blobs).map(([name, b]) => ({
      name,
      url: `${base}/files/${name}`,
      bytes: unknownSize.includes(name) || name === 'flow_lm_main.onnx' ? null : b.length,
      sha256: sha(b),
      group: groupOf[name]!,
      ...(name === 'LICENSE' ? { localOptional: true } : {}),
    })),
  };
}

describe('ensureModelSet', () => {
  const requests: string[] = [];
  let base: string;
  let server: http.Server;
  let dir: string;
  const dirs: string[] = [];

  before(async () => {
    server = http.createServer((req, res) => {
      requests.push(req.url ?? '');
      const name = decodeURIComponent((req.url ?? '').replace(/^\/files\//, ''));
      const b = blobs[name];
      if (!b) return void res.writeHead(404).end();
      res.writeHead(200, { 'Content-Length': b.length }).end(b);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });
  beforeEach(() => {
    dir = path.join(mkdtempSync(path.join(tmpdir(), 'pr-ms-')), 'models', 'test_bundle');
    dirs.push(path.dirname(path.dirname(dir)));
    requests.length = 0;
  });

  test('downloads core + default voice with aggregate progress, then skips verified files without any request', async () => {
    const m = manifestFor(base);
    const events: ModelSetProgress[] = [];
    const first = await ensureModelSet(dir, m, { onProgress: (p) => events.push(p) });
    const expected = ['bundle.json', 'tokenizer.model', 'flow_lm_main_int8.onnx', 'LICENSE', 'voices/alba.safetensors'];
    assert.deepEqual(first.downloaded, expected);
    for (const n of expected) assert.ok(readFileSync(path.join(dir, ...n.split('/'))).equals(blobs[n]!), n);
    assert.ok(!existsSync(path.join(dir, 'voices', 'bob.safetensors')));
    assert.ok(!existsSync(path.join(dir, 'flow_lm_main.onnx')), 'fp32 is not a default group');

    const total = expected.reduce((s, n) => s + blobs[n]!.length, 0);
    assert.ok(events.every((e) => e.totalBytes === total));
    for (let i = 1; i < events.length; i++) assert.ok(events[i]!.doneBytes >= events[i - 1]!.doneBytes);
    assert.equal(events.at(-1)!.doneBytes, total);
    assert.deepEqual(new Set(events.map((e) => e.file)), new Set(expected));
    assert.ok(existsSync(path.join(dir, '.verified.json')));

    requests.length = 0;
    const second = await ensureModelSet(dir, m);
    assert.deepEqual(requests, []);
    assert.deepEqual(second.downloaded, []);
    assert.deepEqual(second.cached, expected);
  });

  test('files already present are hashed once, then trusted by name+size+mtime', async () => {
    const m = manifestFor(base);
    await ensureModelSet(dir, m);
    rmSync(path.join(dir, '.verified.json'));
    requests.length = 0;
    const rehash = await ensureModelSet(dir, m);
    assert.deepEqual(requests, []);
    assert.equal(rehash.verified.length, 5);
    const again = await ensureModelSet(dir, m);
    assert.equal(again.cached.length, 5);
    assert.equal(again.verified.length, 0);
  });

  test('a same-size file rewritten with wrong bytes is re-hashed, rejected and re-downloaded', async () => {
    const m = manifestFor(base);
    await ensureModelSet(dir, m);
    const p = path.join(dir, 'tokenizer.model');
    writeFileSync(p, randomBytes(blobs['tokenizer.model']!.length));
    utimesSync(p, new Date(), new Date(Date.now() + 5000)); // make sure mtime moves even on coarse clocks
    requests.length = 0;
    const r = await ensureModelSet(dir, m);
    assert.deepEqual(r.downloaded, ['tokenizer.model']);
    assert.deepEqual(requests, ['/files/tokenizer.model']);
    assert.ok(readFileSync(p).equals(blobs['tokenizer.model']!));
  });

  test('a truncated file is replaced without hashing it', async () => {
    const m = manifestFor(base);
    await ensureModelSet(dir, m);
    writeFileSync(path.join(dir, 'bundle.json'), '{');
    requests.length = 0;
    const r = await ensureModelSet(dir, m);
    assert.deepEqual(r.downloaded, ['bundle.json']);
    assert.deepEqual(requests, ['/files/bundle.json']);
  });

  test('explicit groups: every voice, fp32 graphs (size unknown grows the total)', async () => {
    const m = manifestFor(base);
    const events: ModelSetProgress[] = [];
    const r = await ensureModelSet(dir, m, { groups: ['voice:*', 'fp32'], onProgress: (p) => events.push(p) });
    assert.deepEqual(r.downloaded, ['voices/alba.safetensors', 'voices/bob.safetensors', 'flow_lm_main.onnx']);
    const last = events.at(-1)!;
    assert.equal(last.doneBytes, last.totalBytes);
    assert.equal(last.totalBytes, 5000 + 6000 + 90_000);
  });

  test('unknown voice group is UNKNOWN_VOICE, before any request', async () => {
    await assert.rejects(ensureModelSet(dir, manifestFor(base), { groups: ['voice:nobody'] }), (e: EngineError) => e.code === 'UNKNOWN_VOICE' && /nobody/.test(e.message));
    assert.deepEqual(requests, []);
  });

  test('cancel stops the set and keeps finished files verified', async () => {
    const m = manifestFor(base);
    const ac = new AbortController();
    await assert.rejects(
      ensureModelSet(dir, m, {
        signal: ac.signal,
        onProgress: (p) => {
          if (p.file === 'flow_lm_main_int8.onnx') ac.abort();
        },
      }),
      (e: EngineError) => e.code === 'CANCELLED',
    );
    assert.ok(existsSync(path.join(dir, 'tokenizer.model')));
    assert.ok(!existsSync(path.join(dir, 'flow_lm_main_int8.onnx')));
    requests.length = 0;
    const r = await ensureModelSet(dir, m);
    assert.deepEqual(r.cached, ['bundle.json', 'tokenizer.model']);
    assert.ok(!requests.includes('/files/bundle.json'));
  });

  test('a download failure names the file', async () => {
    const m = manifestFor(base);
    m.files[1]!.url = `${base}/nope/tokenizer.model`;
    await assert.rejects(ensureModelSet(dir, m, { retries: 0 }), (e: EngineError) => e.code === 'DOWNLOAD_FAILED' && /tokenizer\.model/.test(e.message) && /404/.test(e.message));
  });

  test('a folder that cannot be created gives a clear error', async () => {
    const blocker = path.join(path.dirname(dir), 'blocker');
    mkdirSync(path.dirname(blocker), { recursive: true });
    writeFileSync(blocker, 'a file where a folder should be');
    await assert.rejects(ensureModelSet(path.join(blocker, 'models'), manifestFor(base)), (e: EngineError) => e.code === 'DOWNLOAD_FAILED' && e.message.includes(path.join(blocker, 'models')));
  });

  test('a read-only folder is reported as not writable', { skip: process.getuid?.() === 0 ? 'root can write anywhere' : false }, async () => {
    const { chmodSync } = await import('node:fs');
    mkdirSync(dir, { recursive: true });
    chmodSync(dir, 0o555);
    try {
      await assert.rejects(ensureModelSet(dir, manifestFor(base)), (e: EngineError) => e.code === 'DOWNLOAD_FAILED' && /not writable/.test(e.message));
    } finally {
      chmodSync(dir, 0o755);
    }
  });
});

describe('checkModelDir / assertModelDir', () => {
  let dir: string;
  const dirs: string[] = [];
  const m = manifestFor('http://127.0.0.1:9');
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'pr-check-'));
    dirs.push(dir);
  });
  after(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });
  const put = (name: string, b: Buffer) => {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), b);
  };

  test('a complete folder has no problems; LICENSE is optional locally', async () => {
    for (const n of ['bundle.json', 'tokenizer.model', 'flow_lm_main_int8.onnx']) put(n, blobs[n]!);
    assert.deepEqual(await checkModelDir(dir, m), []);
    await assertModelDir(dir, m);
  });

  test('missing files are named, with the folder and the fix', async () => {
    put('bundle.json', blobs['bundle.json']!);
    const problems = await checkModelDir(dir, m);
    assert.deepEqual(
      problems.map((p) => [p.file, p.kind]),
      [
        ['tokenizer.model', 'missing'],
        ['flow_lm_main_int8.onnx', 'missing'],
      ],
    );
    await assert.rejects(assertModelDir(dir, m), (e: EngineError) => {
      assert.equal(e.code, 'MODEL_MISSING');
      assert.match(e.message, /tokenizer\.model/);
      assert.match(e.message, /flow_lm_main_int8\.onnx \(or flow_lm_main\.onnx\)/);
      assert.ok(e.message.includes(dir));
      assert.match(e.message, /Pocket Reader: Download Model/);
      assert.match(e.message, /pocketReader\.modelPath/);
      return true;
    });
  });

  test('one missing file reads naturally', async () => {
    put('bundle.json', blobs['bundle.json']!);
    put('flow_lm_main_int8.onnx', blobs['flow_lm_main_int8.onnx']!);
    await assert.rejects(assertModelDir(dir, m), (e: EngineError) => e.message.startsWith(`tokenizer.model is missing in ${dir} — run Pocket Reader: Download Model`));
  });

  test('a truncated file is corrupt and named with its sizes', async () => {
    put('bundle.json', blobs['bundle.json']!);
    put('tokenizer.model', blobs['tokenizer.model']!.subarray(0, 100));
    put('flow_lm_main_int8.onnx', blobs['flow_lm_main_int8.onnx']!);
    const problems = await checkModelDir(dir, m);
    const expectedBytes = blobs['tokenizer.model']!.length;
    assert.deepEqual(problems, [
      { file: 'tokenizer.model', kind: 'corrupt', reason: 'truncated', name: 'tokenizer.model', bytes: 100, expectedBytes, detail: `tokenizer.model is truncated (100 of ${expectedBytes} bytes)` },
    ]);
    await assert.rejects(assertModelDir(dir, m), (e: EngineError) => e.code === 'MODEL_CORRUPT' && /tokenizer\.model is truncated/.test(e.message) && e.message.includes(dir));
  });

  test('fp32 names stand in for int8 graphs', async () => {
    put('bundle.json', blobs['bundle.json']!);
    put('tokenizer.model', blobs['tokenizer.model']!);
    put('flow_lm_main.onnx', blobs['flow_lm_main.onnx']!);
    assert.deepEqual(await checkModelDir(dir, m), []);
    assert.equal(await resolveModelFile(dir, 'flow_lm_main_int8.onnx'), path.join(dir, 'flow_lm_main.onnx'));
  });

  test('voice groups can be required', async () => {
    for (const n of ['bundle.json', 'tokenizer.model', 'flow_lm_main_int8.onnx']) put(n, blobs[n]!);
    const problems = await checkModelDir(dir, m, { groups: ['core', 'voice:alba'] });
    assert.deepEqual(
      problems.map((p) => p.file),
      ['voices/alba.safetensors'],
    );
  });

  test('without a manifest: the bundled core names, presence only (any export fits)', async () => {
    const problems = await checkModelDir(dir);
    assert.deepEqual(
      problems.map((p) => p.file),
      ['bundle.json', 'bos_before_voice.npy', 'tokenizer.model', 'text_conditioner.onnx', 'flow_lm_main_int8.onnx', 'flow_lm_flow_int8.onnx', 'mimi_decoder.onnx'],
    );
    for (const n of ['bundle.json', 'bos_before_voice.npy', 'tokenizer.model', 'text_conditioner.onnx', 'flow_lm_main.onnx', 'flow_lm_flow.onnx', 'mimi_decoder.onnx']) put(n, Buffer.from('x'));
    assert.deepEqual(await checkModelDir(dir), []);
  });

  test('a missing folder is MODEL_MISSING naming the folder', async () => {
    const gone = path.join(dir, 'nope');
    await assert.rejects(assertModelDir(gone), (e: EngineError) => e.code === 'MODEL_MISSING' && e.message.includes(gone) && /Download Model/.test(e.message));
  });

  test('an empty file is corrupt even without a manifest', async () => {
    put('bundle.json', Buffer.alloc(0));
    const problems = await checkModelDir(dir);
    assert.deepEqual(problems[0], { file: 'bundle.json', kind: 'corrupt', reason: 'empty', name: 'bundle.json', detail: 'bundle.json is empty' });
  });
});

describe('bundled manifest', () => {
  test('pins the english_2026-04 set: core, fp32, the voice encoder, voices with licences, no non-commercial voices', () => {
    const m = onnxManifest;
    assert.equal(m.defaultVoice, 'alba');
    const core = m.files.filter((f) => f.group === 'core').map((f) => f.name);
    assert.deepEqual(core, ['bundle.json', 'bos_before_voice.npy', 'tokenizer.model', 'text_conditioner.onnx', 'flow_lm_main_int8.onnx', 'flow_lm_flow_int8.onnx', 'mimi_decoder.onnx', 'LICENSE']);
    assert.deepEqual(
      m.files.filter((f) => f.group === 'fp32').map((f) => [f.name, f.bytes]),
      [
        ['flow_lm_main.onnx', null],
        ['flow_lm_flow.onnx', null],
      ],
    );
    // The voice encoder is its own group: downloaded the first time a voice is made, never by default.
    assert.deepEqual(m.files.filter((f) => f.group === 'encoder').map((f) => [f.name, f.bytes]), [['mimi_encoder.onnx', 39768446]]);
    assert.ok(!defaultGroups(m).includes('encoder'));
    const voices = m.files.filter((f) => f.group.startsWith('voice:'));
    assert.equal(voices.length, 19);
    assert.ok(voices.some((v) => v.group === 'voice:alba'));
    assert.ok(!voices.some((v) => /cosette|jean/.test(v.name)));
    for (const v of voices) {
      assert.equal(v.name, `voices/${v.group.slice(6)}.safetensors`);
      assert.match(v.license ?? '', /^(CC-BY-4\.0|CC0-1\.0)$/);
      assert.match(v.url, /\/resolve\/1e08e6a23401048648a9fdcfde2f89348215c2a7\/languages\/english_2026-04\/embeddings\//);
    }
    for (const f of m.files.filter((x) => !x.group.startsWith('voice:'))) assert.match(f.url, /\/resolve\/58a6d00cf13d239b6748cb0769f35c580a8f606c\/onnx\//);
    assert.equal(m.files.find((f) => f.name === 'LICENSE')!.url.endsWith('/onnx/LICENSE'), true);
  });
});

describe('defaultModelCacheDir', () => {
  test('per platform', () => {
    assert.equal(defaultModelCacheDir('b', { platform: 'linux', env: {}, home: '/home/u' }), '/home/u/.cache/pocket-reader/models/b');
    assert.equal(defaultModelCacheDir('b', { platform: 'linux', env: { XDG_CACHE_HOME: '/xdg' }, home: '/home/u' }), '/xdg/pocket-reader/models/b');
    assert.equal(defaultModelCacheDir('b', { platform: 'linux', env: { XDG_CACHE_HOME: 'rel' }, home: '/home/u' }), '/home/u/.cache/pocket-reader/models/b');
    assert.equal(defaultModelCacheDir('b', { platform: 'darwin', env: {}, home: '/Users/u' }), '/Users/u/Library/Caches/pocket-reader/models/b');
    assert.equal(defaultModelCacheDir('b', { platform: 'win32', env: { LOCALAPPDATA: 'C:\\Users\\u\\AppData\\Local' }, home: 'C:\\Users\\u' }), 'C:\\Users\\u\\AppData\\Local\\pocket-reader\\models\\b');
  });
});
