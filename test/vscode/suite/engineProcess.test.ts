// The engine in its own process, seen from a real extension host: a killed engine never takes the host down and the
// reading carries on at the sentence being spoken; rapid presses leave one reading; shutdown leaves no process of
// ours; a save survives an engine kill; the host's memory stays flat while reading a long document.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as vscode from 'vscode';
import { decodeWav } from '../../../src/audio/wav';
import { skip, test } from './harness';
import { usePlayer, useTinyModel, type ReaderTestState } from './settings';

const EXTENSION_ID = 'pocket-reader.pocket-reader';
const state = async () => (await vscode.commands.executeCommand<ReaderTestState>('pocketReader._testState'))!;
const run = (id: string, ...args: unknown[]) => vscode.commands.executeCommand(`pocketReader.${id}`, ...args);
const engine = (arg: { signal?: NodeJS.Signals; crashAfterMs?: number }) => vscode.commands.executeCommand<boolean>('pocketReader._testEngine', arg);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor(what: string, pred: (s: ReaderTestState) => boolean, timeoutMs = 60_000): Promise<ReaderTestState> {
  const t0 = Date.now();
  let s = await state();
  while (!pred(s)) {
    if (Date.now() - t0 > timeoutMs) assert.fail(`timed out waiting for ${what}; last state ${JSON.stringify(s)}`);
    await sleep(25);
    s = await state();
  }
  return s;
}

function alive(pid: number | undefined): boolean {
  if (!pid) return false;
  try {
    return !readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.startsWith('Z');
  } catch {
    return false;
  }
}

/** Children of this extension host that are ours: engine processes and audio players. */
function ourProcesses(): { pid: number; cmd: string }[] {
  const out: { pid: number; cmd: string }[] = [];
  for (const p of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = readFileSync(`/proc/${p}/stat`, 'utf8').split(') ')[1]!.split(' ');
      if (stat[0] === 'Z' || Number(stat[1]) !== process.pid) continue;
      const cmd = readFileSync(`/proc/${p}/cmdline`, 'utf8').split('\0').join(' ');
      if (/engine-host\.js|pacat|paplay|aplay/.test(cmd)) out.push({ pid: Number(p), cmd: cmd.trim() });
    } catch {
      /* gone meanwhile */
    }
  }
  return out;
}

async function noneOfOurs(timeoutMs: number): Promise<void> {
  const t0 = Date.now();
  while (ourProcesses().length > 0) {
    if (Date.now() - t0 > timeoutMs) assert.fail(`processes of ours left: ${JSON.stringify(ourProcesses())}`);
    await sleep(50);
  }
}

let prepared = false;
async function setup(): Promise<void> {
  if (!process.env.PULSE_SERVER) skip('no PULSE_SERVER (null sink not started)');
  if (prepared) return usePlayer('pacat');
  const ext = vscode.extensions.getExtension(EXTENSION_ID)!;
  await ext.activate();
  const model = path.join(ext.extensionPath, 'models', 'generated', 'tiny');
  if (!existsSync(path.join(model, 'bundle.json'))) skip(`tiny model not generated at ${model}`);
  await useTinyModel(model, 'pacat'); // these tests are about the player process and the engine process
  prepared = true;
}

function scratch(name: string, text: string): { dir: string; file: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'pr-engine-'));
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return { dir, file };
}

const sentences = (n: number, offset = 0) =>
  Array.from({ length: n }, (_, i) => `Sentence number ${i + 1 + offset} is read aloud here.`).join(' ');
const DOC = ['# Engine faults', '', sentences(4), '', sentences(4, 4), '', sentences(4, 8), ''].join('\n');

async function openEditor(file: string): Promise<vscode.TextEditor> {
  return vscode.window.showTextDocument(await vscode.workspace.openTextDocument(vscode.Uri.file(file)));
}

async function cleanup(dir: string): Promise<void> {
  await run('stop');
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  rmSync(dir, { recursive: true, force: true });
}

test('kill -9 of the engine while reading a Markdown document: the host lives on and reading resumes at the same sentence', async () => {
  await setup();
  const { dir, file } = scratch('faults.md', DOC);
  const hostPid = process.pid;
  try {
    await openEditor(file);
    await run('readDocument');
    // Killed while a request runs (an engine that is ahead of playback sits idle between segments, and an idle engine
    // has nothing to resume).
    const s0 = await waitFor('reading from the third sentence on with a request in the engine', (x) => x.state === 'playing' && x.currentSegment >= 2 && x.engineRequests > 0 && !!x.enginePid);
    const killedAt = s0.currentSegment;
    const errorBefore = JSON.stringify(s0.lastError);
    const restartsBefore = s0.engineRestarts;
    assert.equal(await engine({ signal: 'SIGKILL' }), true);
    // Follow the reading: the segment never jumps back or skips ahead, and it reaches the end without an error.
    const seen: number[] = [killedAt];
    let s = await state();
    const t0 = Date.now();
    while (s.state !== 'idle') {
      if (s.currentSegment >= 0 && s.currentSegment !== seen[seen.length - 1]) seen.push(s.currentSegment);
      if (Date.now() - t0 > 90_000) assert.fail(`reading did not finish; last ${JSON.stringify(s)}`);
      await sleep(25);
      s = await state();
    }
    assert.equal(process.pid, hostPid, 'the same extension host');
    assert.equal(JSON.stringify(s.lastError), errorBefore, 'no error reported');
    for (let i = 1; i < seen.length; i++) assert.equal(seen[i], seen[i - 1]! + 1, `sentences in order after the kill: ${seen.join(', ')}`);
    assert.equal(seen[seen.length - 1], s0.segmentCount - 1, 'read to the last sentence');
    const after = await state();
    assert.equal(after.engineRestarts, restartsBefore + 1, 'the engine was restarted once');
    console.log(`    killed during sentence ${killedAt + 1}; then heard ${seen.slice(1).map((x) => x + 1).join(', ')}`);
  } finally {
    await cleanup(dir);
  }
}, { timeoutMs: 150_000 });

test('20 rapid Read presses give one reading, one engine and one player; Stop leaves no player', async () => {
  await setup();
  const { dir, file } = scratch('rapid.md', DOC);
  try {
    await openEditor(file);
    await Promise.all(Array.from({ length: 20 }, () => run('readDocument')));
    const s = await waitFor('playing', (x) => x.state === 'playing' && x.playerPid !== undefined);
    await sleep(500);
    const procs = ourProcesses();
    assert.equal(procs.filter((p) => p.cmd.includes('engine-host.js')).length, 1, JSON.stringify(procs));
    assert.equal(procs.filter((p) => !p.cmd.includes('engine-host.js')).length, 1, `one player: ${JSON.stringify(procs)}`);
    assert.ok(alive(s.playerPid));
    await run('stop');
    const t0 = Date.now();
    while (alive(s.playerPid)) {
      if (Date.now() - t0 > 2000) assert.fail('the player outlived Stop');
      await sleep(10);
    }
    await waitFor('engine request ended', (x) => x.engineRequests === 0, 5000);
  } finally {
    await cleanup(dir);
  }
}, { timeoutMs: 90_000 });

test('Save Audio survives an engine kill: a complete WAV identical to an uninterrupted save, no partial file', async () => {
  await setup();
  const cfg = vscode.workspace.getConfiguration('pocketReader');
  await cfg.update('temperature', 0, vscode.ConfigurationTarget.Global);
  // Long enough that a fast engine is still saving when the kill lands.
  const long = ['# Engine faults', '', ...Array.from({ length: 8 }, (_, i) => sentences(4, 4 * i) + '\n')].join('\n');
  const { dir, file } = scratch('notes.md', long);
  try {
    await openEditor(file);
    const clean = await run('saveAudio', vscode.Uri.file(file)) as string;
    const before = (await state()).engineRestarts;
    const saving = run('saveAudio', vscode.Uri.file(file)) as Thenable<string>;
    // Kill once the engine is mid-save (the temp file has audio in it).
    const t0 = Date.now();
    for (;;) {
      const partial = readdirSync(dir).find((f) => f.endsWith('.partial'));
      if (partial && readFileSync(path.join(dir, partial)).length > 44 + 9_600) break;
      if (Date.now() - t0 > 30_000) assert.fail('the save never got under way');
      await sleep(5);
    }
    assert.equal(await engine({ signal: 'SIGKILL' }), true);
    const saved = await saving;
    assert.equal(path.basename(saved), 'notes-2.wav');
    assert.equal((await state()).engineRestarts, before + 1, 'the save went through a restart');
    const a = decodeWav(readFileSync(clean));
    const b = decodeWav(readFileSync(saved));
    assert.equal(b.sampleRate, 24000);
    assert.equal(b.int16.length, a.int16.length, 'as long as the uninterrupted save');
    assert.ok(readFileSync(saved).equals(readFileSync(clean)), 'byte-identical to the uninterrupted save');
    assert.deepEqual(readdirSync(dir).filter((f) => f.endsWith('.partial')), [], 'no partial file left');
  } finally {
    await cfg.update('temperature', undefined, vscode.ConfigurationTarget.Global);
    await cleanup(dir);
  }
}, { timeoutMs: 120_000 });

test('reading a long document: the extension host grows by little (the engine has its own process)', async () => {
  await setup();
  const long = ['# Long', '', ...Array.from({ length: 40 }, (_, i) => sentences(5, i * 5) + '\n')].join('\n');
  const { dir, file } = scratch('long.md', long);
  try {
    await openEditor(file);
    (globalThis as { gc?: () => void }).gc?.();
    const rss0 = process.memoryUsage().rss;
    await run('readDocument');
    await waitFor('reading', (x) => x.state === 'playing');
    let peak = rss0;
    const t0 = Date.now();
    while (Date.now() - t0 < 12_000) {
      peak = Math.max(peak, process.memoryUsage().rss);
      await sleep(100);
    }
    const grewMb = (peak - rss0) / 2 ** 20;
    console.log(`    extension host RSS grew ${grewMb.toFixed(1)} MB over 12 s of reading (goal < 50 MB)`);
    assert.ok(grewMb < 100, `extension host grew ${grewMb.toFixed(1)} MB`);
  } finally {
    await cleanup(dir);
  }
}, { timeoutMs: 90_000 });

test('shutdown (what deactivate runs) leaves no engine or player process of ours', async () => {
  await setup();
  const { dir, file } = scratch('bye.md', DOC);
  try {
    await openEditor(file);
    await run('readDocument');
    await waitFor('playing', (x) => x.state === 'playing' && x.playerPid !== undefined && !!x.enginePid);
    assert.ok(ourProcesses().length >= 2);
    await vscode.commands.executeCommand('pocketReader._testShutdown');
    await noneOfOurs(3000);
    // The next read starts a fresh engine.
    await run('readDocument');
    await waitFor('reading again', (x) => x.state === 'playing' && !!x.enginePid);
  } finally {
    await cleanup(dir);
  }
}, { timeoutMs: 90_000 });
