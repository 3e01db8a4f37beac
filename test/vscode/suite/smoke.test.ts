// Smoke tests proving the extension-host harness itself: real VS Code API, the project's extension, Node workers,
// onnxruntime-node inside a worker, the workspace fixture, and audio playback into the private null sink.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import * as vscode from 'vscode';
import { skip, test } from './harness';
import { page } from './page';

const EXTENSION_ID = 'pocket-reader.pocket-reader';

function extension(): vscode.Extension<unknown> {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(ext, `${EXTENSION_ID} is not loaded (extensionDevelopmentPath wrong?)`);
  return ext;
}

/** Runs `source` (CommonJS) in a worker_thread; resolves with its first message. */
function inWorker<T>(source: string, workerData: unknown): Promise<T> {
  return new Promise((resolve, reject) => {
    const w = new Worker(source, { eval: true, workerData });
    w.once('message', (m: T) => {
      void w.terminate();
      resolve(m);
    });
    w.once('error', reject);
    w.once('exit', (code) => reject(new Error(`worker exited (${code}) before answering`)));
  });
}

test('VS Code API runs in a Node (server) extension host', () => {
  assert.match(vscode.version, /^1\.\d+\.\d+/);
  assert.ok(Number(process.versions.node.split('.')[0]) >= 20, `node ${process.versions.node}`);
  assert.equal(typeof vscode.commands.executeCommand, 'function');
});

test('test environment reaches the extension host', () => {
  assert.ok(process.env.POCKET_READER_VSCODE_RESULT, 'POCKET_READER_VSCODE_RESULT missing');
  if (process.env.POCKET_READER_VSCODE_EXPECT_PULSE) assert.match(process.env.PULSE_SERVER ?? '', /^unix:/);
});

test('workspace fixture is open and its README renders as markdown', async () => {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'no workspace folder open');
  const readme = vscode.Uri.joinPath(folder.uri, 'README.md');
  const doc = await vscode.workspace.openTextDocument(readme);
  assert.equal(doc.languageId, 'markdown');
  assert.match(doc.getText(), /```/);
  const editor = await vscode.window.showTextDocument(doc);
  assert.equal(vscode.window.activeTextEditor?.document.uri.toString(), readme.toString());
  editor.selection = new vscode.Selection(0, 0, 0, 5);
  assert.equal(doc.getText(editor.selection).length, 5);
});

test(`extension ${EXTENSION_ID} is found`, () => {
  const ext = extension();
  assert.equal(ext.packageJSON.publisher, 'pocket-reader');
});

test(`extension ${EXTENSION_ID} activates`, async () => {
  const ext = extension();
  const main = path.join(ext.extensionPath, ext.packageJSON.main ?? 'dist/extension.js');
  if (!existsSync(main)) skip(`${path.relative(ext.extensionPath, main)} not built (no src/extension.ts yet)`);
  await ext.activate();
  assert.ok(ext.isActive);
});

test('a worker_threads Worker runs in the extension host', async () => {
  const r = await inWorker<string>(
    `const { parentPort, workerData } = require('node:worker_threads');
     parentPort.postMessage('hello ' + workerData + ' from worker ' + require('node:worker_threads').threadId);`,
    'tests',
  );
  assert.match(r, /^hello tests from worker \d+$/);
});

// y = 2x + 1 (Mul + Add, opset 13), serialized with onnx 1.12 — 132 bytes, so no binary fixture is needed.
const TINY_ONNX =
  'CAgSEnBvY2tldC1yZWFkZXItdGVzdDpmChAKAXgKA3R3bxIBdCIDTXVsChAKAXQKA29uZRIBeSIDQWRkEgR0aW55Kg0QASIEAAAAQEIDdHdvKg0QASIEAACAP0IDb25lWg0KAXgSCAoGCAESAgoAYg0KAXkSCAoGCAESAgoAQgQKABAN';

test('onnxruntime-node, resolved as the extension bundle resolves it, runs a model inside a Worker', async () => {
  // From dist/: a packaged extension has it in dist/node_modules (scripts/package.mjs), a checkout in node_modules.
  const ext = extension();
  const bundleDir = path.dirname(path.join(ext.extensionPath, ext.packageJSON.main ?? 'dist/extension.js'));
  const ortPath = require.resolve('onnxruntime-node', { paths: [bundleDir] });
  const r = await inWorker<{ y: number[]; version: string } | { error: string }>(
    `const { parentPort, workerData } = require('node:worker_threads');
     (async () => {
       const ort = require(workerData.ortPath);
       const s = await ort.InferenceSession.create(Buffer.from(workerData.model, 'base64'));
       const out = await s.run({ x: new ort.Tensor('float32', Float32Array.from([1, 2, 3]), [3]) });
       parentPort.postMessage({ y: Array.from(out.y.data), version: ort.env.versions.common });
       await s.release();
     })().catch((e) => parentPort.postMessage({ error: String(e && e.stack || e) }));`,
    { ortPath, model: TINY_ONNX },
  );
  if ('error' in r) assert.fail(r.error);
  assert.deepEqual(r.y, [3, 5, 7]);
  assert.match(r.version, /^1\.\d+/);
});

function toneWav(seconds: number, rate = 48000): Buffer {
  const n = Math.round(seconds * rate);
  const b = Buffer.alloc(44 + n * 2);
  b.write('RIFF', 0);
  b.writeUInt32LE(36 + n * 2, 4);
  b.write('WAVEfmt ', 8);
  b.writeUInt32LE(16, 16);
  b.writeUInt16LE(1, 20); // PCM
  b.writeUInt16LE(1, 22); // mono
  b.writeUInt32LE(rate, 24);
  b.writeUInt32LE(rate * 2, 28);
  b.writeUInt16LE(2, 32);
  b.writeUInt16LE(16, 34);
  b.write('data', 36);
  b.writeUInt32LE(n * 2, 40);
  for (let i = 0; i < n; i++) b.writeInt16LE(Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / rate)), 44 + i * 2);
  return b;
}

test('a player spawned by the extension host plays into the null sink in real time', async () => {
  if (!process.env.PULSE_SERVER) skip('no PULSE_SERVER (null sink not started)');
  if (spawnSync('paplay', ['--version'], { stdio: 'ignore' }).status !== 0) skip('paplay not installed');
  const info = spawnSync('pactl', ['info'], { encoding: 'utf8' });
  assert.equal(info.status, 0, info.stderr);
  assert.match(info.stdout, /Default Sink: nullsink/);
  const dir = mkdtempSync(path.join(tmpdir(), 'pr-wav-'));
  try {
    const wav = path.join(dir, 'tone.wav');
    writeFileSync(wav, toneWav(1.0));
    const t0 = Date.now();
    const code = await new Promise<number | null>((resolve, reject) => {
      const p = spawn('paplay', [wav], { stdio: 'ignore' });
      p.once('error', reject);
      p.once('exit', (c) => resolve(c));
    });
    const ms = Date.now() - t0;
    assert.equal(code, 0);
    assert.ok(ms >= 900, `1 s of audio finished in ${ms} ms: not played in real time`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the page driver sees the workbench like a user: DOM reads, a command palette key press, a screenshot', async () => {
  const title = await page.eval<string>('document.title');
  assert.ok(title.length > 0, 'the workbench page has a title');
  await page.press('F1');
  const opened = await page.eval<boolean>(`!!document.querySelector('.quick-input-widget:not([style*="display: none"])')`);
  await page.press('Escape');
  assert.ok(opened, 'F1 opens the command palette');
  const file = await page.screenshot('smoke-workbench');
  assert.ok(statSync(file).size > 10_000, `${file} is a real screenshot`);
});
