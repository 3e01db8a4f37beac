// The player view as the audio output, in the rig that is exactly the case it exists for: a browser window
// (uiKind Web, remoteName set) whose extension host is a server. `auto` must choose the view; the browser runs with
// desktop VS Code's autoplay policy (a click inside the webview is required), and clicks go through the page like a
// user's. Played audio is checked in the page itself: the worklet counts the samples that reached the output (with
// their peak and RMS), and the extension's highlight and status must follow that count.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import * as vscode from 'vscode';
import { skip, test } from './harness';
import { page, screenshotThemes } from './page';
import { usePlayer, useTinyModel, type ReaderTestState } from './settings';

const EXTENSION_ID = 'pocket-reader.pocket-reader';
const VIEW = { hasSelector: '#player' };
const RATE = 24000;

const state = async () => (await vscode.commands.executeCommand<ReaderTestState>('pocketReader._testState'))!;
const run = (id: string, ...args: unknown[]) => vscode.commands.executeCommand(`pocketReader.${id}`, ...args);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor<T>(what: string, get: () => Promise<T>, pred: (v: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const t0 = Date.now();
  let v = await get();
  while (!pred(v)) {
    if (Date.now() - t0 > timeoutMs) assert.fail(`timed out after ${timeoutMs} ms waiting for ${what}; last: ${JSON.stringify(v)}`);
    await sleep(50);
    v = await get();
  }
  return v;
}
const until = (what: string, pred: (s: ReaderTestState) => boolean, timeoutMs?: number) => waitFor(what, state, pred, timeoutMs);

/**
 * Time the machine kept us waiting while measuring a deadline, which must not count it on a machine shared by many
 * jobs: the summed lateness of a 20 ms timer in a worker thread of this host (waiting for a CPU; our own work on the
 * main thread does not count) and in the workbench page, whose main thread the player view shares here.
 */
async function waiting(): Promise<{ stop(): Promise<{ host: number; page: number }> }> {
  const worker = new Worker(
    `const { parentPort } = require('node:worker_threads');
     let late = 0, last = performance.now();
     const timer = setInterval(() => { const now = performance.now(); late += Math.max(0, now - last - 20); last = now; }, 20);
     parentPort.once('message', () => { clearInterval(timer); parentPort.postMessage(Math.round(late)); });`,
    { eval: true },
  );
  await page.eval(`(() => { const l = window.__prLate = { late: 0, last: performance.now() };
    l.timer = setInterval(() => { const now = performance.now(); l.late += Math.max(0, now - l.last - 20); l.last = now; }, 20); })()`);
  return {
    stop: async () => {
      const pageLate = await page.eval<number>('(clearInterval(window.__prLate.timer), Math.round(window.__prLate.late))');
      const host = await new Promise<number>((resolve) => {
        worker.once('message', (late: number) => void worker.terminate().then(() => resolve(late)));
        worker.postMessage('stop');
      });
      return { host, page: pageLate };
    },
  };
}

interface ViewDom {
  audio: string;
  context: string | undefined;
  stream: number;
  played: number;
  peak: number;
  rms: number;
  notice: string | undefined;
  enableVisible: boolean;
  enableFocused: boolean;
  status: string;
  sentence: string;
  playLabel: string | null;
}

/** What the player page shows and has played, read from its DOM. */
const dom = () =>
  page.eval<ViewDom>(
    `(() => {
      const p = document.getElementById('player'), d = p.dataset, $ = (id) => document.getElementById(id);
      return {
        audio: d.audio, context: d.context, stream: Number(d.stream ?? 0), played: Number(d.played ?? 0),
        peak: Number(d.peak ?? 0), rms: Number(d.rms ?? 0),
        notice: $('notice').hidden ? undefined : $('notice-text').textContent,
        enableVisible: !$('enable').hidden && !$('notice').hidden, enableFocused: document.activeElement === $('enable'),
        status: $('status').textContent, sentence: $('sentence').textContent, playLabel: $('play').getAttribute('aria-label'),
      };
    })()`,
    VIEW,
  );
const domUntil = (what: string, pred: (d: ViewDom) => boolean, timeoutMs?: number) => waitFor(what, dom, pred, timeoutMs);

let prepared = false;
async function setup(): Promise<void> {
  if (prepared) return usePlayer('auto');
  const ext = vscode.extensions.getExtension(EXTENSION_ID)!;
  await ext.activate();
  const model = path.join(ext.extensionPath, 'models', 'generated', 'tiny');
  if (!existsSync(path.join(model, 'bundle.json'))) skip(`tiny model not generated at ${model}`);
  if (!process.env.POCKET_READER_PAGE_DRIVER) skip('no page driver (POCKET_READER_PAGE_DRIVER unset)');
  await useTinyModel(model, 'auto');
  prepared = true;
}

/** Closes the player view the way a user hides it, so the next reading opens a fresh page (audio locked again). */
async function closeView(): Promise<void> {
  if ((await state()).viewAudio === 'closed') return;
  await vscode.commands.executeCommand('pocketReader.player.removeView');
  await until('the view closed', (s) => s.viewAudio === 'closed', 5000);
}

/** Unlocks audio like a user: a real click on the view's button (only when it asks for one). */
async function enableAudio(): Promise<void> {
  const s = await until('audio running or blocked', (x) => x.viewAudio === 'blocked' || x.viewAudio === 'running', 10_000);
  if (s.viewAudio === 'blocked') await page.click('#enable', VIEW);
  await until('audio running', (x) => x.viewAudio === 'running', 5000);
}

const SENTENCES = Array.from({ length: 24 }, (_, i) => `Sentence number ${i + 1} is read aloud in the player view.`);

function scratch(text: string): { dir: string; file: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'pr-view-'));
  const file = path.join(dir, 'story.md');
  writeFileSync(file, text);
  return { dir, file };
}

async function withDocument(text: string, body: (editor: vscode.TextEditor) => Promise<void>): Promise<void> {
  const { dir, file } = scratch(text);
  try {
    const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(vscode.Uri.file(file)));
    await body(editor);
  } finally {
    await run('stop');
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    rmSync(dir, { recursive: true, force: true });
  }
}

test('auto chooses the player view here; without a click the view and the status bar say audio is blocked within 2 s', async () => {
  await setup();
  await closeView(); // a fresh page: audio locked until a click inside it
  await vscode.commands.executeCommand('pocketReader.player.focus');
  await until('the player page loaded', (s) => s.viewAudio === 'idle', 20_000);
  await domUntil('the idle player', (d) => d.status === 'Not reading');
  await screenshotThemes('player-idle');
  await withDocument(SENTENCES.join(' ') + '\n', async () => {
    const clock = await waiting();
    const t0 = Date.now();
    await run('readDocument');
    const blocked = await until('the status bar to say audio is blocked', (s) => /Audio blocked/.test(s.statusText), 10_000);
    const ms = Date.now() - t0;
    const waited = await clock.stop();
    const lost = waited.host + waited.page; // an upper bound: the path from the command to the status bar crosses both
    console.log(`    (the status bar said audio is blocked ${ms} ms after Read Document; meanwhile the host waited ${waited.host} ms for a CPU, the page's main thread ${waited.page} ms)`);
    assert.equal(blocked.output, 'webview', 'auto chose the player view in a browser window');
    const d = await domUntil('the view to say so', (x) => x.enableVisible, 2000);
    assert.match(d.notice ?? '', /Audio is blocked/);
    assert.equal(d.audio, 'blocked');
    assert.ok(d.enableFocused, 'the read command focused the view and its enable button');
    // Audio was synthesized and sent, yet nothing was heard: highlight and status follow the view's clock.
    await until('some audio synthesized', (s) => s.synthesizedSamples > 0, 30_000);
    await sleep(500);
    const s = await state();
    assert.equal(s.state, 'preparing');
    assert.equal(s.positionSamples, 0);
    assert.equal(s.currentSegment, -1);
    assert.equal(s.highlight, undefined);
    assert.equal((await dom()).played, 0);
    await screenshotThemes('player-enable-audio');
    const t1 = Date.now();
    await run('stop');
    const after = await state();
    assert.ok(Date.now() - t1 < 2000, 'Stop returned promptly');
    assert.equal(after.state, 'idle');
    assert.equal(after.engineRequests, 0);
    assert.equal(after.statusText, '');
    await domUntil('the notice gone', (x) => !x.enableVisible && x.status === 'Not reading', 5000);
    assert.ok(ms - lost < 2000, `the status bar said audio is blocked only after ${ms} ms (${lost} ms of it waiting for the machine)`);
  });
}, { timeoutMs: 120_000 });

test('one click on "Click to enable audio" plays: the page plays every synthesized sample, highlight follows its clock, pause stops it', async () => {
  await setup();
  await withDocument(SENTENCES.join(' ') + '\n', async (editor) => {
    await run('readDocument');
    await enableAudio();
    const playing = await until('the first sentence heard', (s) => s.state === 'playing' && s.highlight !== undefined, 20_000);
    assert.equal(playing.output, 'webview');
    assert.equal(playing.playerPid, undefined, 'no player process');
    await domUntil('the page playing', (d) => d.played > 0 && d.audio === 'running' && /^Reading \d+\/24/.test(d.status));
    await screenshotThemes('player-playing');
    // Word marks follow the view's clock like a player process's.
    const worded = await until('a word heard', (x) => x.word !== undefined && x.highlight !== undefined, 20_000);
    const text = (r: { start: number; end: number }) => editor.document.getText(new vscode.Range(editor.document.positionAt(r.start), editor.document.positionAt(r.end)));
    assert.ok(worded.word!.start >= worded.highlight!.start && worded.word!.end <= worded.highlight!.end, `word ${text(worded.word!)} inside its sentence`);
    assert.match(text(worded.word!), /^[\p{L}\p{N}]+$/u, 'one word of the document');

    await run('togglePause');
    await until('paused', (s) => s.state === 'paused');
    const held = await domUntil('the context suspended', (d) => d.context === 'suspended');
    await sleep(1000);
    const still = await dom();
    assert.equal(still.played, held.played, 'the clock stands while paused');
    const s = await state();
    assert.equal(s.positionSamples, still.played, "the extension's position is the page's played count");
    const doc = editor.document;
    assert.match(doc.getText(new vscode.Range(doc.positionAt(s.highlight!.start), doc.positionAt(s.highlight!.end))), /^Sentence number \d+ is read/);
    assert.match(still.sentence, /^Sentence number \w+ is read aloud in the player view/, 'the view shows the sentence being read');
    assert.match(s.statusText, new RegExp(`Paused ${s.currentSegment + 1}/24`));
    assert.match(still.status, new RegExp(`^Paused ${s.currentSegment + 1}/24`), 'the view and the status bar agree');

    await run('togglePause');
    await domUntil('the clock running again', (d) => d.played > still.played);
    const ended = await until('the reading to end', (x) => x.state === 'idle', 60_000);
    assert.equal(ended.lastReading?.state, 'ended');
    const final = await dom();
    assert.equal(final.played, ended.lastReading!.synthesizedSamples, 'the page played every synthesized sample');
    assert.ok(final.played > RATE * 1, `${final.played} samples played`);
    assert.ok(final.peak > 0.01 && final.rms > 0.001, `not silence: peak ${final.peak}, rms ${final.rms}`);
    assert.equal(ended.lastReading!.positionSamples, final.played, 'the position ended at the last played sample');
  });
}, { timeoutMs: 120_000 });

test('Stop, next/previous and a second reading work without another click', async () => {
  await setup();
  await withDocument(SENTENCES.join(' ') + '\n', async () => {
    await run('readDocument');
    await enableAudio(); // clicks only if this test runs alone
    await until('reading', (s) => s.state === 'playing' && s.currentSegment >= 0, 20_000);
    const first = await dom();
    const before = (await state()).currentSegment;
    await run('nextSentence');
    const moved = await until('the next sentence heard', (s) => s.currentSegment === before + 1, 10_000);
    await domUntil('a new stream playing', (d) => d.stream > first.stream && d.played > 0);
    await run('previousSentence');
    await until('back one sentence', (s) => s.currentSegment === moved.currentSegment - 1 || s.currentSegment === moved.currentSegment, 10_000);
    await run('stop');
    assert.equal((await state()).state, 'idle');
    const stopped = await domUntil('the page idle', (d) => d.audio === 'idle');
    await sleep(500);
    assert.equal((await dom()).played, stopped.played, 'nothing plays after Stop');

    await run('readDocument');
    const again = await until('the second reading heard', (s) => s.state === 'playing' && s.currentSegment >= 0, 20_000);
    assert.equal(again.viewAudio, 'running', 'no click needed');
    const d = await domUntil('the page playing the new reading', (x) => x.stream > stopped.stream && x.played > 0);
    assert.ok(!d.enableVisible);
  });
}, { timeoutMs: 120_000 });

test('closing the player view mid-reading stops cleanly; the next reading opens it again', async () => {
  await setup();
  await withDocument(SENTENCES.join(' ') + '\n', async () => {
    await run('readDocument');
    await enableAudio();
    await until('reading', (s) => s.state === 'playing' && s.currentSegment >= 0, 20_000);
    const errorBefore = (await state()).lastError;
    await vscode.commands.executeCommand('pocketReader.player.removeView');
    const s = await until('the reading stopped', (x) => x.state === 'idle', 5000);
    assert.equal(s.viewAudio, 'closed');
    assert.deepEqual(s.lastError, errorBefore, 'no error reported');
    assert.equal(s.statusText, '');
    await until('the engine request cancelled', (x) => x.engineRequests === 0, 5000);

    await run('readDocument');
    await until('the view open again, asking for a click', (x) => x.viewAudio === 'blocked', 10_000);
    await run('stop');
    assert.equal((await state()).state, 'idle');
  });
}, { timeoutMs: 90_000 });
