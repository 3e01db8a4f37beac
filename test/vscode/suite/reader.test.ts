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
import { screenshotThemes } from './page';

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

/** Cues of a WebVTT file, checked as a strict reader would: header, timings, inline timestamps inside and in order. */
function readVtt(file: string): { start: number; end: number; text: string }[] {
  const secs = (t: string) => t.split(':').reduce((a, x) => a * 60 + Number(x), 0);
  const [header, ...blocks] = readFileSync(file, 'utf8').trim().split(/\n\n/);
  assert.equal(header, 'WEBVTT');
  return blocks.map((b) => {
    const lines = b.split('\n');
    const m = /^(\d\d:\d\d:\d\d\.\d{3}) --> (\d\d:\d\d:\d\d\.\d{3})$/.exec(lines[1]!);
    assert.ok(m && lines.length === 3, `cue: ${b}`);
    const [start, end] = [secs(m[1]!), secs(m[2]!)];
    let prev = start;
    for (const t of lines[2]!.matchAll(/<([\d:.]+)>/g)) {
      assert.ok(secs(t[1]!) > prev && secs(t[1]!) < end, `timestamp ${t[1]} inside its cue and in order: ${b}`);
      prev = secs(t[1]!);
    }
    return { start, end, text: lines[2]! };
  });
}

test('Save Audio Next to File writes a 24 kHz WAV and WebVTT captions beside the file, and never overwrites', async () => {
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
    // Captions beside it: one cue per sentence, word timestamps inside, all within the audio.
    const cues = readVtt(path.join(dir, 'notes.vtt'));
    assert.equal(cues.length, 2, JSON.stringify(cues));
    assert.equal(cues[0]!.text.replace(/<[\d:.]+>/g, ''), 'Saving speech to a file works.');
    assert.ok((cues[0]!.text.match(/<[\d:.]+>/g) ?? []).length >= 3, `word times in ${cues[0]!.text}`);
    assert.ok(cues[1]!.end <= wav.int16.length / 24000 + 0.001 && cues[1]!.start >= cues[0]!.end, JSON.stringify(cues));
    const size = statSync(first as string).size;
    const vtt = readFileSync(path.join(dir, 'notes.vtt'), 'utf8');
    const second = await run('saveAudio');
    assert.equal(second, path.join(dir, 'notes-2.wav'));
    assert.equal(statSync(first as string).size, size, 'first file untouched');
    assert.equal(readFileSync(path.join(dir, 'notes.vtt'), 'utf8'), vtt, 'first captions untouched');
    assert.equal(readVtt(path.join(dir, 'notes-2.vtt')).length, 2);
    assert.equal(decodeWav(readFileSync(second as string)).sampleRate, 24000);
  } finally {
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    rmSync(dir, { recursive: true, force: true });
  }
}, { timeoutMs: 120_000 });

test('word by word: the word decoration moves with the playback clock inside the sentence; "sentence" turns it off', async () => {
  await tinyModel();
  const text = '# Word by word\n\nThe quick brown fox jumps over the lazy dog near the quiet river bank. Then it rests in the warm sun all afternoon.\n';
  const { dir, file } = scratch('words.md', text);
  const cfg = vscode.workspace.getConfiguration('pocketReader');
  try {
    const editor = await openEditor(file);
    await run('readDocument');
    const words: { start: number; end: number; sentence: number }[] = [];
    const t0 = Date.now();
    for (let s = await state(); Date.now() - t0 < 60_000 && words.length < 6 && (s.state !== 'idle' || words.length === 0); s = await state()) {
      const last = words[words.length - 1];
      if (s.word && s.highlight && (!last || last.start !== s.word.start)) {
        assert.ok(s.word.start >= s.highlight.start && s.word.end <= s.highlight.end, `word ${JSON.stringify(s.word)} inside sentence ${JSON.stringify(s.highlight)}`);
        words.push({ ...s.word, sentence: s.currentSegment });
      }
      await sleep(15);
    }
    const doc = editor.document;
    const said = words.map((w) => doc.getText(new vscode.Range(doc.positionAt(w.start), doc.positionAt(w.end))));
    assert.ok(words.length >= 4, `the word highlight moved through ${words.length} words: ${said.join(' ')}`);
    for (const w of said) assert.match(w, /^[\p{L}\p{N}'’-]+$/u, `"${w}" is one word of the document`);
    for (let i = 1; i < words.length; i++) {
      if (words[i]!.sentence === words[i - 1]!.sentence) assert.ok(words[i]!.start > words[i - 1]!.start, `words advance: ${said.join(' ')}`);
    }
    // Paused on a word, as the user sees it in each theme.
    await run('stop');
    await run('readDocument');
    await waitFor('a word highlighted', (x) => x.state === 'playing' && x.word !== undefined);
    await run('togglePause');
    await waitFor('paused on a word', (x) => x.state === 'paused' && x.word !== undefined);
    if (process.env.POCKET_READER_PAGE_DRIVER) await screenshotThemes('word-highlight');
    assert.ok((await state()).word, 'the word stays highlighted while paused');
    await run('stop');

    await cfg.update('highlight', 'sentence', vscode.ConfigurationTarget.Global);
    await run('readDocument');
    await waitFor('reading', (x) => x.state === 'playing' && x.highlight !== undefined);
    for (let i = 0; i < 20; i++, await sleep(25)) assert.equal((await state()).word, undefined, 'no word highlight in sentence mode');
  } finally {
    await run('stop');
    await cfg.update('highlight', undefined, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    rmSync(dir, { recursive: true, force: true });
  }
}, { timeoutMs: 180_000 });

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
