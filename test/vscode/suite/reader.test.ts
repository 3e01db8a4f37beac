// Pocket Reader's commands in a real extension host with the tiny model: reading plays through the null sink
// (pocketReader.player = pacat, see settings.ts; the player view is tested in webview.test.ts), stop/pause/next act on
// the real player process, Save writes a real WAV, and failures are reported, not hung.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as vscode from 'vscode';
import { decodeWav } from '../../../src/audio/wav';
import { test } from './harness';
import { state, waitFor } from './readerState';
import { run, sleep, tinyModel } from './fixtures';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Linux process state letter from /proc (R, S, T = stopped, Z, …), or undefined elsewhere. */
function procState(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0];
  } catch {
    return undefined;
  }
}

/** A scratch Markdown file outside the repo (tests edit and save next to it). */
function scratch(name: string, text: string): { dir: string; file: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'pr-host-'));
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return { dir, file };
}

const STORY = [
  '# A short story',
  '',
  'The first sentence is here. The second sentence follows it. A third sentence comes next.',
  '',
  'Then a fourth sentence starts a new paragraph. The fifth one ends the story.',
  '',
].join('\n');

async function openEditor(file: string): Promise<vscode.TextEditor> {
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
  return vscode.window.showTextDocument(doc);
}

test('Read Selection Aloud plays through the sink; Stop ends the player and the engine request', async () => {
  await tinyModel();
  const folder = vscode.workspace.workspaceFolders![0]!;
  const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(vscode.Uri.joinPath(folder.uri, 'README.md')));
  const text = editor.document.getText();
  const start = text.indexOf('Pocket Reader reads selections');
  const end = text.indexOf('change what is said.') + 'change what is said.'.length;
  editor.selection = new vscode.Selection(editor.document.positionAt(start), editor.document.positionAt(end));
  await run('readSelection');
  const s = await waitFor('a playing player', (x) => x.state === 'playing' && x.playerPid !== undefined);
  const pid = s.playerPid!;
  assert.ok(alive(pid), 'player process runs');
  assert.match(s.statusText, /Reading \d+\/\d+ · alba 1×/);
  assert.ok(s.highlight && s.highlight.start >= start && s.highlight.end <= end, `highlight ${JSON.stringify(s.highlight)} within the selection`);
  await run('stop');
  const after = await state();
  assert.equal(after.state, 'idle');
  assert.equal(after.statusText, '', 'status bar entry hidden');
  assert.equal(after.engineRequests, 0, 'engine request cancelled');
  assert.ok(!alive(pid), `player ${pid} is gone after Stop`);
}, { timeoutMs: 120_000 });

test('Pause/Resume holds the position; Next Sentence moves the highlight', async () => {
  await tinyModel();
  const { dir, file } = scratch('story.md', STORY);
  try {
    await openEditor(file);
    await run('readDocument');
    const s = await waitFor('reading', (x) => x.state === 'playing' && x.currentSegment >= 0 && x.playerPid !== undefined);
    await run('togglePause');
    const paused = await waitFor('paused', (x) => x.state === 'paused');
    assert.match(paused.statusText, /^\$\(play\) Paused/);
    if (procState(s.playerPid!) !== undefined) {
      // SIGSTOP lands when the player next enters the kernel; give it a moment.
      for (let i = 0; i < 20 && procState(paused.playerPid!) !== 'T'; i++) await sleep(25);
      assert.equal(procState(paused.playerPid!), 'T', 'player process is stopped');
    }
    await sleep(1500);
    const still = await state();
    assert.equal(still.currentSegment, paused.currentSegment, 'position held while paused');
    assert.deepEqual(still.highlight, paused.highlight);
    await run('togglePause');
    const resumed = await waitFor('playing again', (x) => x.state === 'playing');
    assert.match(resumed.statusText, /^\$\(debug-pause\) Reading/);

    const before = resumed.currentSegment;
    await run('nextSentence');
    const moved = await waitFor('next sentence heard', (x) => x.currentSegment === before + 1, 20_000);
    assert.notDeepEqual(moved.highlight, resumed.highlight, 'highlight moved');
    const doc = vscode.window.activeTextEditor!.document;
    const said = doc.getText(new vscode.Range(doc.positionAt(moved.highlight!.start), doc.positionAt(moved.highlight!.end)));
    assert.match(said, /sentence|story/, `highlighted "${said}"`);
    await run('stop');
  } finally {
    await run('stop');
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    rmSync(dir, { recursive: true, force: true });
  }
}, { timeoutMs: 120_000 });

test('the highlight follows edits made while reading', async () => {
  await tinyModel();
  const { dir, file } = scratch('edit.md', STORY);
  try {
    const editor = await openEditor(file);
    await run('readDocument');
    await waitFor('reading', (x) => x.state === 'playing' && x.highlight !== undefined);
    await run('togglePause');
    const paused = await waitFor('paused', (x) => x.state === 'paused' && x.highlight !== undefined);
    const doc = editor.document;
    const word = doc.getText(new vscode.Range(doc.positionAt(paused.highlight!.start), doc.positionAt(paused.highlight!.end)));
    assert.ok(await editor.edit((e) => e.insert(new vscode.Position(0, 0), 'Inserted line.\n\n')));
    const shifted = await state();
    assert.deepEqual(shifted.highlight, { start: paused.highlight!.start + 16, end: paused.highlight!.end + 16 });
    assert.equal(doc.getText(new vscode.Range(doc.positionAt(shifted.highlight!.start), doc.positionAt(shifted.highlight!.end))), word);
    // Deleting the sentence being heard removes its highlight rather than pointing at other text.
    assert.ok(await editor.edit((e) => e.delete(new vscode.Range(doc.positionAt(shifted.highlight!.start), doc.positionAt(shifted.highlight!.end)))));
    assert.equal((await state()).highlight, undefined);
    await run('stop');
  } finally {
    await run('stop');
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    rmSync(dir, { recursive: true, force: true });
  }
}, { timeoutMs: 120_000 });

test('Set Speed changes a running reading (pitch-preserving stretcher) and Read from Cursor starts at the cursor', async () => {
  await tinyModel();
  const long = STORY + Array.from({ length: 10 }, (_, i) => `Extra sentence number ${i + 1} keeps the reader busy for a while.`).join(' ') + '\n';
  const { dir, file } = scratch('speed.md', long);
  try {
    const editor = await openEditor(file);
    const at = STORY.indexOf('Then a fourth');
    editor.selection = new vscode.Selection(editor.document.positionAt(at + 3), editor.document.positionAt(at + 3));
    await run('readFromCursor');
    const s = await waitFor('reading', (x) => x.state === 'playing' && x.highlight !== undefined);
    assert.equal(s.segmentCount, 12, 'the sentences from the cursor on');
    assert.equal(s.highlight!.start, at);
    await run('setSpeed', 2);
    const fast = await waitFor('speed 2×', (x) => x.speed === 2 && x.statusText.includes('2×'), 10_000);
    assert.equal(vscode.workspace.getConfiguration('pocketReader').get('speed'), 2);
    // The queue restarts the player from the heard position with the stretcher in front of it.
    await waitFor('a new player at 2×', (x) => x.state === 'playing' && x.playerPid !== undefined && x.playerPid !== s.playerPid && alive(x.playerPid), 10_000);
    assert.equal(fast.lastError?.code === 'INTERNAL', false, JSON.stringify(fast.lastError));
  } finally {
    await run('stop');
    await vscode.workspace.getConfiguration('pocketReader').update('speed', 1, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    rmSync(dir, { recursive: true, force: true });
  }
}, { timeoutMs: 120_000 });

test('Save Audio Next to File writes a 24 kHz WAV beside the file, and never overwrites', async () => {
  await tinyModel();
  const { dir, file } = scratch('notes.md', 'Saving speech to a file works. It has two sentences.\n');
  try {
    await openEditor(file);
    const first = await run('saveAudio');
    assert.equal(first, path.join(dir, 'notes.wav'));
    const wav = decodeWav(readFileSync(first as string));
    assert.equal(wav.sampleRate, 24000);
    assert.equal(wav.channels, 1);
    assert.ok(wav.int16.length > 24000 * 0.3, `${wav.int16.length} samples`);
    const peak = wav.int16.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    assert.ok(peak > 100, `non-silent (peak ${peak})`);
    const size = statSync(first as string).size;
    const second = await run('saveAudio');
    assert.equal(second, path.join(dir, 'notes-2.wav'));
    assert.equal(statSync(first as string).size, size, 'first file untouched');
    assert.equal(decodeWav(readFileSync(second as string)).sampleRate, 24000);
  } finally {
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    rmSync(dir, { recursive: true, force: true });
  }
}, { timeoutMs: 120_000 });

test('no usable audio player: a clear error, nothing hangs', async () => {
  await tinyModel();
  const { dir, file } = scratch('quiet.md', 'Nobody will hear this sentence.\n');
  const cfg = vscode.workspace.getConfiguration('pocketReader');
  try {
    await openEditor(file);
    for (const player of ['no-such-player', 'afplay']) {
      await cfg.update('player', player, vscode.ConfigurationTarget.Global);
      const t0 = Date.now();
      await run('readDocument');
      const s = await state();
      assert.ok(Date.now() - t0 < 10_000, 'returned promptly');
      assert.equal(s.state, 'idle');
      assert.equal(s.lastError?.code, 'NO_PLAYER');
      assert.match(s.lastError!.message, /cannot play audio/);
    }
  } finally {
    await cfg.update('player', 'auto', vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    rmSync(dir, { recursive: true, force: true });
  }
}, { timeoutMs: 60_000 });

test('an empty selection on a blank line, an empty document and a binary file are reported, not read', async () => {
  await tinyModel();
  const { dir, file } = scratch('empty.md', '');
  try {
    // VS Code refuses to open most binary files as text; content forced into an editor is still caught.
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument({ content: 'PK\u0003\u0004\u0000\u0000ABC', language: 'plaintext' }));
    await run('readDocument');
    assert.equal((await state()).lastError?.code, 'BINARY');
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    await openEditor(file);
    await run('readDocument');
    assert.equal((await state()).lastError?.code, 'EMPTY_DOCUMENT');
    const editor = vscode.window.activeTextEditor!;
    await editor.edit((e) => e.insert(new vscode.Position(0, 0), 'Some text.\n\n\nMore text.\n'));
    editor.selection = new vscode.Selection(2, 0, 2, 0);
    await run('readSelection');
    const s = await state();
    assert.equal(s.lastError?.code, 'EMPTY_SELECTION');
    assert.equal(s.state, 'idle');
  } finally {
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    rmSync(dir, { recursive: true, force: true });
  }
});
