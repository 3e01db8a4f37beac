// The CoreML set store against a local server that mimics the repository API: revision resolution,
// a paginated recursive tree listing, LFS (sha256) and plain git (size + git sha1) files, pinning.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ensureCoreMLSet, REVISION_FILE, skipCoreMLAsset, type CoreMLSource } from '../../src/store/coremlStore';

const SHA1 = 'a'.repeat(40);
const SHA2 = 'b'.repeat(40);
const REPO = 'Org/pocket-tts-coreml';
const FOLDER = 'v2/english';

const files: Record<string, { body: Buffer; lfs: boolean }> = {
  'cond_step.mlmodelc/model.mil': { body: Buffer.from('program(1.0) {}\n'), lfs: false },
  'cond_step.mlmodelc/coremldata.bin': { body: Buffer.from([1, 2, 3, 4]), lfs: false },
  'cond_step.mlmodelc/weights/weight.bin': { body: Buffer.alloc(300_000, 7), lfs: true },
  'constants_bin/text_embed_table.bin': { body: Buffer.alloc(4096, 1), lfs: true },
  'constants_bin/alba.safetensors': { body: Buffer.alloc(2048, 3), lfs: true },
  'cond_step.mlpackage/Data/weight.bin': { body: Buffer.alloc(10, 9), lfs: true },
  'constants/bos_emb.npy': { body: Buffer.alloc(10, 9), lfs: false },
};
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const gitOid = (b: Buffer) => createHash('sha1').update(`blob ${b.length}\0`).update(b).digest('hex');

let head = SHA1;
let corrupt: string | null = null;
const seen: string[] = [];
let base = '';

const server = http.createServer((req, res) => {
  const u = new URL(req.url ?? '/', 'http://x');
  seen.push(u.pathname + u.search);
  if (u.pathname === `/api/models/${REPO}/revision/main`) return void res.end(JSON.stringify({ id: REPO, sha: head }));
  const tree = new RegExp(`^/api/models/${REPO}/tree/([0-9a-f]{40})/${FOLDER}$`).exec(u.pathname);
  if (tree && u.searchParams.get('recursive') === 'true') {
    const entries = [
      { type: 'directory', path: `${FOLDER}/cond_step.mlmodelc`, oid: 'c'.repeat(40), size: 0 },
      ...Object.entries(files).map(([p, f]) => ({
        type: 'file',
        path: `${FOLDER}/${p}`,
        size: f.lfs ? 134 : f.body.length,
        oid: f.lfs ? 'd'.repeat(40) : gitOid(f.body),
        ...(f.lfs ? { lfs: { oid: sha256(f.body), size: f.body.length, pointerSize: 134 } } : {}),
      })),
    ];
    // Two pages, like the real API for long listings.
    const page = u.searchParams.get('cursor') === '2' ? entries.slice(4) : entries.slice(0, 4);
    const headers: Record<string, string> = { 'Content-Type': 'application/json' };
    if (!u.searchParams.get('cursor')) headers.Link = `<${u.pathname}?recursive=true&cursor=2>; rel="next"`;
    return void res.writeHead(200, headers).end(JSON.stringify(page));
  }
  const file = new RegExp(`^/${REPO}/resolve/([0-9a-f]{40})/${FOLDER}/(.+)$`).exec(u.pathname);
  const f = file && files[decodeURIComponent(file[2])];
  if (!f) return void res.writeHead(404).end();
  let body = f.body;
  if (corrupt === decodeURIComponent(file![2])) body = Buffer.from(body.map((x) => x ^ 1));
  res.writeHead(200, { 'Content-Length': body.length }).end(body);
});

const root = mkdtempSync(path.join(tmpdir(), 'pr-coreml-store-'));
before(async () => {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => {
  server.close();
  rmSync(root, { recursive: true, force: true });
});

const src = (): CoreMLSource => ({ base, repo: REPO, revision: 'main', folder: FOLDER });
const wanted = Object.keys(files).filter((p) => !skipCoreMLAsset(p)).sort();

describe('CoreML model store', () => {
  test('downloads every file of the listing, verified, and pins the resolved commit', async () => {
    const dir = path.join(root, 'a');
    const progress: string[] = [];
    const r = await ensureCoreMLSet(dir, src(), { proxy: null, onProgress: (p) => progress.push(p.file) });
    assert.equal(r.sha, SHA1);
    assert.deepEqual([...r.downloaded].sort(), wanted);
    for (const p of wanted) assert.deepEqual(readFileSync(path.join(dir, p)), files[p].body, p);
    assert.ok(!existsSync(path.join(dir, 'cond_step.mlpackage')) && !existsSync(path.join(dir, 'constants')), '.mlpackage and constants/ are skipped');
    assert.deepEqual(JSON.parse(readFileSync(path.join(dir, REVISION_FILE), 'utf8')), { repo: REPO, folder: FOLDER, revision: 'main', sha: SHA1 });
    assert.ok(seen.some((s) => s.includes('cursor=2')), 'second listing page fetched');
    assert.ok(progress.includes('cond_step.mlmodelc/weights/weight.bin'));

    // The branch moves: later calls stay on the pinned commit and trust verified files by stat.
    head = SHA2;
    seen.length = 0;
    const again = await ensureCoreMLSet(dir, src(), { proxy: null });
    assert.equal(again.sha, SHA1);
    assert.deepEqual(again.downloaded, []);
    assert.deepEqual([...again.cached].sort(), wanted);
    assert.ok(!seen.some((s) => s.includes('/revision/')), 'no re-resolution');
    assert.ok(seen.every((s) => !s.includes(SHA2)));

    // A damaged file is found (size kept, content changed) and fetched again from the pinned commit.
    const weight = path.join(dir, 'constants_bin/alba.safetensors');
    writeFileSync(weight, Buffer.alloc(2048, 4));
    writeFileSync(path.join(dir, '.verified.json'), '{}');
    const repaired = await ensureCoreMLSet(dir, src(), { proxy: null });
    assert.deepEqual(repaired.downloaded, ['constants_bin/alba.safetensors']);
    assert.deepEqual(readFileSync(weight), files['constants_bin/alba.safetensors'].body);

    // update: re-resolves and re-pins.
    const updated = await ensureCoreMLSet(dir, src(), { proxy: null, update: true });
    assert.equal(updated.sha, SHA2);
    assert.equal(JSON.parse(readFileSync(path.join(dir, REVISION_FILE), 'utf8')).sha, SHA2);
    head = SHA1;
  });

  test('an LFS file with the wrong sha256 is refused', async () => {
    corrupt = 'constants_bin/text_embed_table.bin';
    try {
      await assert.rejects(ensureCoreMLSet(path.join(root, 'b'), src(), { proxy: null, retries: 0 }), (e: { code?: string; message: string }) => e.code === 'MODEL_CORRUPT' && /sha256/.test(e.message));
      assert.ok(!existsSync(path.join(root, 'b', 'constants_bin/text_embed_table.bin')));
    } finally {
      corrupt = null;
    }
  });

  test('a plain git file that does not match its git id is refused', async () => {
    corrupt = 'cond_step.mlmodelc/model.mil';
    try {
      await assert.rejects(ensureCoreMLSet(path.join(root, 'c'), src(), { proxy: null }), /does not match its git id/);
      assert.ok(!existsSync(path.join(root, 'c', 'cond_step.mlmodelc/model.mil')));
    } finally {
      corrupt = null;
    }
  });

  test('cancel stops the download', async () => {
    const ac = new AbortController();
    const p = ensureCoreMLSet(path.join(root, 'd'), src(), { proxy: null, signal: ac.signal, onProgress: () => ac.abort() });
    await assert.rejects(p, { code: 'CANCELLED' });
  });
});
