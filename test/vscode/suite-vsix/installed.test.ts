// Runs only in `node test/vscode/run.mjs --vsix` (which `npm test` runs once): the extension under test is the folder
// code-server unpacked from the linux VSIX, so these tests see exactly what ships. Together with suite/smoke.test.ts.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as vscode from 'vscode';
import { decodeWav } from '../../../src/audio/wav';
import { useTinyModel, type ReaderTestState } from '../suite/settings';
import { skip, test } from '../suite/harness';

const EXTENSION_ID = 'pocket-reader.pocket-reader';
const ALLOWED_TOP = new Set(['.vsixmanifest', 'package.json', 'readme.md', 'README.md', 'LICENSE.txt', 'changelog.md', 'CHANGELOG.md', 'THIRD_PARTY_NOTICES.md', 'media', 'dist']);

function installed(): vscode.Extension<unknown> {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(ext, `${EXTENSION_ID} is not loaded`);
  return ext;
}

function walk(dir: string, base = dir): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? walk(p, base) : [path.relative(base, p).split(path.sep).join('/')];
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const testState = async () => (await vscode.commands.executeCommand<ReaderTestState>('pocketReader._testState'))!;

let configured = false;
async function configureOnce(): Promise<void> {
  const model = process.env.POCKET_READER_TINY_MODEL;
  if (!model || !existsSync(path.join(model, 'bundle.json'))) skip(`tiny model not generated (${model ?? 'POCKET_READER_TINY_MODEL unset'})`);
  if (configured) return;
  await installed().activate();
  await useTinyModel(model, 'pacat'); // the reading test below watches the player process
  configured = true;
}

/** onnxruntime shared libraries/addons mapped into this (extension host) process: Linux only. */
function mappedOnnxRuntimeFiles(): string[] | undefined {
  if (process.platform !== 'linux') return undefined;
  const maps = readFileSync('/proc/self/maps', 'utf8');
  const files = new Set<string>();
  for (const line of maps.split('\n')) {
    const file = line.split(/\s+/).slice(5).join(' ');
    const lib = file.replace(/ \(deleted\)$/, '');
    if (/onnxruntime[^/]*\.(so(\.\d+)*|node)$/.test(lib)) files.add(lib);
  }
  return [...files];
}

test('the extension under test is the installed VSIX: only runtime files, no sources, tests or models', () => {
  const ext = installed();
  const expected = process.env.POCKET_READER_VSIX_DIR;
  assert.ok(expected, 'POCKET_READER_VSIX_DIR is not set');
  assert.equal(realpathSync(ext.extensionPath), realpathSync(expected));
  const top = readdirSync(ext.extensionPath);
  assert.deepEqual(top.filter((f) => !ALLOWED_TOP.has(f)), [], `unexpected top-level entries in ${ext.extensionPath}`);
  const files = walk(ext.extensionPath);
  assert.deepEqual(files.filter((f) => /\.(map|ts|onnx|safetensors|npy|py)$/.test(f)), [], 'maps, sources or model files shipped');
  const bins = files.filter((f) => f.includes('/bin/napi-v6/'));
  assert.ok(bins.length > 0, 'no onnxruntime binaries');
  const here = `/bin/napi-v6/${process.platform}/${process.arch}/`;
  assert.deepEqual(bins.filter((f) => !f.includes(here)), [], 'other platforms\' binaries shipped');
  for (const f of ['dist/extension.js', 'dist/engine-host.js', 'dist/decoder-worker.js', 'dist/sonic-wasm/sonic.js', 'dist/sonic-wasm/sonic.wasm', 'LICENSE.txt', 'THIRD_PARTY_NOTICES.md']) {
    assert.ok(files.includes(f), `missing ${f}`);
  }
});

test('Save Audio synthesizes with the tiny model on the onnxruntime-node shipped in the VSIX', async () => {
  await configureOnce();
  const ext = installed();
  const dir = mkdtempSync(path.join(tmpdir(), 'pr-vsix-'));
  try {
    const file = path.join(dir, 'note.md');
    writeFileSync(file, 'The packaged extension speaks. It has two sentences.\n');
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(vscode.Uri.file(file)));
    const wavPath = await vscode.commands.executeCommand<string | undefined>('pocketReader.saveAudio');
    assert.equal(wavPath, path.join(dir, 'note.wav'), `saveAudio returned ${wavPath}; last error ${JSON.stringify((await testState()).lastError)}`);
    const wav = decodeWav(readFileSync(wavPath));
    assert.equal(wav.sampleRate, 24000);
    assert.ok(wav.int16.length > 24000 * 0.3, `${wav.int16.length} samples`);
    assert.ok(wav.int16.reduce((m, v) => Math.max(m, Math.abs(v)), 0) > 100, 'silent WAV');
    const mapped = mappedOnnxRuntimeFiles();
    if (mapped) {
      const root = realpathSync(ext.extensionPath) + path.sep;
      assert.ok(mapped.some((f) => f.endsWith('libonnxruntime.so.1')), `libonnxruntime not loaded? mapped: ${mapped.join(', ')}`);
      assert.deepEqual(mapped.filter((f) => !f.startsWith(root)), [], 'onnxruntime loaded from outside the installed extension');
    }
  } finally {
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    rmSync(dir, { recursive: true, force: true });
  }
}, { timeoutMs: 90_000 });

test('reading at 2× plays through Sonic loaded from the VSIX (dist/sonic-wasm)', async () => {
  if (!process.env.PULSE_SERVER) skip('no PULSE_SERVER (null sink not started)');
  await configureOnce();
  const cfg = vscode.workspace.getConfiguration('pocketReader');
  const dir = mkdtempSync(path.join(tmpdir(), 'pr-vsix-'));
  try {
    await cfg.update('speed', 2, vscode.ConfigurationTarget.Global);
    const file = path.join(dir, 'fast.md');
    writeFileSync(file, 'This sentence is read twice as fast. So is this one.\n');
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(vscode.Uri.file(file)));
    const errorBefore = (await testState()).lastError;
    await vscode.commands.executeCommand('pocketReader.readDocument');
    // The player starts only after the stretcher exists (playbackQueue ensureSink), so a player at 2× means Sonic loaded.
    const t0 = Date.now();
    let s = await testState();
    while (!(s.state === 'playing' && s.playerPid !== undefined)) {
      assert.deepEqual(s.lastError, errorBefore, `reading failed: ${JSON.stringify(s.lastError)}`);
      if (Date.now() - t0 > 60_000) assert.fail(`no player at 2× within 60 s; state ${JSON.stringify(s)}`);
      await sleep(50);
      s = await testState();
    }
    assert.equal(s.speed, 2);
    assert.match(s.statusText, /2×/);
  } finally {
    await vscode.commands.executeCommand('pocketReader.stop');
    await cfg.update('speed', 1, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    rmSync(dir, { recursive: true, force: true });
  }
}, { timeoutMs: 90_000 });
