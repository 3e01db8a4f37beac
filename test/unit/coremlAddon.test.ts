import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import {
  COREML_UNAVAILABLE_REASON,
  coremlAddonCandidates,
  loadCoreMLAddon,
} from '../../src/engine/backends/coremlAddon';

const root = mkdtempSync(path.join(tmpdir(), 'pr-coreml-'));
after(() => rmSync(root, { recursive: true, force: true }));
const bundleDir = path.join(root, 'dist');
mkdirSync(bundleDir);

test('off macOS: ok:false with the platform reason, and nothing is required', { skip: process.platform === 'darwin' }, () => {
  const first = loadCoreMLAddon();
  assert.deepEqual(first, { ok: false, reason: COREML_UNAVAILABLE_REASON });
  assert.equal(COREML_UNAVAILABLE_REASON, 'CoreML not available on this platform');
  assert.deepEqual(loadCoreMLAddon(), first);
});

test('a non-darwin platform never calls require', () => {
  let calls = 0;
  const r = loadCoreMLAddon({ platform: 'win32', baseDir: bundleDir, requireFn: () => ++calls });
  assert.deepEqual(r, { ok: false, reason: COREML_UNAVAILABLE_REASON });
  assert.equal(calls, 0);
});

test('darwin without a built addon reports every path tried and does not throw', () => {
  const r = loadCoreMLAddon({ platform: 'darwin', arch: 'arm64', baseDir: bundleDir, env: {}, requireFn: () => assert.fail('nothing exists') });
  assert.equal(r.ok, false);
  if (r.ok) return;
  const candidates = coremlAddonCandidates(bundleDir, 'darwin', 'arm64');
  assert.ok(candidates.includes(path.join(root, 'native', 'build', 'Release', 'pocket_coreml.node')));
  assert.ok(candidates.includes(path.join(root, 'dist', 'native', 'darwin-arm64', 'pocket_coreml.node')));
  for (const c of candidates) assert.ok(r.reason.includes(`${c}: not found`), `missing ${c} in:\n${r.reason}`);
});

test('darwin: a failing dlopen and a wrong module are reported, a later good candidate wins', () => {
  const override = path.join(root, 'override', 'pocket_coreml.node');
  const built = path.join(root, 'native', 'build', 'Release', 'pocket_coreml.node');
  const packaged = path.join(root, 'dist', 'native', 'darwin-arm64', 'pocket_coreml.node');
  for (const f of [override, built, packaged]) {
    mkdirSync(path.dirname(f), { recursive: true });
    writeFileSync(f, '');
  }
  const fake = { loadModel() {}, read() {}, tensor() {} };
  const requireFn = (file: string): unknown => {
    if (file === override) throw new Error('dlopen(pocket_coreml.node): incompatible architecture\nmore detail');
    if (file === built) return {};
    return fake;
  };
  const r = loadCoreMLAddon({ platform: 'darwin', arch: 'arm64', baseDir: bundleDir, env: { POCKET_READER_COREML_ADDON: override }, requireFn });
  assert.equal(r.ok, true);
  if (!r.ok) return;
  assert.equal(r.path, packaged);
  assert.equal(r.addon as unknown, fake);

  const failing = loadCoreMLAddon({
    platform: 'darwin',
    arch: 'arm64',
    baseDir: bundleDir,
    env: { POCKET_READER_COREML_ADDON: override },
    requireFn: (file) => (file === override ? requireFn(file) : {}),
  });
  assert.equal(failing.ok, false);
  if (failing.ok) return;
  assert.ok(failing.reason.includes(`${override}: dlopen(pocket_coreml.node): incompatible architecture`));
  assert.ok(!failing.reason.includes('more detail'));
  assert.ok(failing.reason.includes(`${built}: not a pocket_coreml addon`));
});

test('a loader that throws unexpectedly still yields ok:false', () => {
  // createRequire() rejects a relative path: the error becomes the reason instead of escaping.
  const r = loadCoreMLAddon({ platform: 'darwin', arch: 'arm64', baseDir: 'relative/dir', env: {} });
  assert.equal(r.ok, false);
  if (!r.ok) assert.match(r.reason, /^CoreML addon loader failed: /);
});
