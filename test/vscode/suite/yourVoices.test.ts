// Your own voice in a real extension host: Create Voice from Recording… opens with a modal consent question; a voice
// made from a WAV appears under "Your voices" in Choose Voice (driven through the page like a user), and reading
// with it plays through the null sink. Uses the project's tiny model (with its voice encoder).
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as vscode from 'vscode';
import { readNpy } from '../../../src/engine/npy';
import { writeWav } from '../../helpers/wavFixtures';
import { skip, test } from './harness';
import { page, screenshotThemes } from './page';
import { useTinyModel, type ReaderTestState } from './settings';

const EXTENSION_ID = 'pocket-reader.pocket-reader';
const state = async () => (await vscode.commands.executeCommand<ReaderTestState>('pocketReader._testState'))!;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 30_000): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() - t0 > timeoutMs) assert.fail(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

const QUICK_INPUT = '.quick-input-widget';
const quickInputOpen = () => page.eval<boolean>(`(() => { const w = document.querySelector('${QUICK_INPUT}'); return !!w && w.style.display !== 'none'; })()`);

/** Types into the open quick input (the file dialog and input boxes use it) like pasting, then presses Enter. */
async function enterInQuickInput(text: string): Promise<void> {
  await until('a quick input', quickInputOpen);
  await page.eval(`(() => { const i = document.querySelector('${QUICK_INPUT} .quick-input-box input'); i.focus(); i.value = ${JSON.stringify(text)}; i.dispatchEvent(new Event('input', { bubbles: true })); return true; })()`);
  await sleep(600);
  await page.press('Enter');
}

let model = '';
async function setup(): Promise<void> {
  if (!process.env.PULSE_SERVER) skip('no PULSE_SERVER (null sink not started)');
  const ext = vscode.extensions.getExtension(EXTENSION_ID)!;
  await ext.activate();
  model = path.join(ext.extensionPath, 'models', 'generated', 'tiny');
  if (!existsSync(path.join(model, 'mimi_encoder.onnx'))) skip(`tiny model with its voice encoder not generated at ${model}`);
  await useTinyModel(model);
}

const prompt = () => readNpy(path.join(model, 'reference', 'voice_clone', 'prompt.npy')).data as Float32Array;

test('Create Voice from Recording… starts with a modal consent question, and nothing is made without an answer', async () => {
  await setup();
  const before = (await state()).lastError;
  assert.equal(await vscode.commands.executeCommand('pocketReader.createVoice'), undefined);
  const err = (await state()).lastError;
  // The test host refuses modal dialogs (it would block), so the request itself is what it reports.
  assert.notDeepEqual(err, before);
  assert.match(err!.message, /refused to show dialog in tests.*make a voice only from a recording of yourself, or of someone who has explicitly agreed/s);
}, { timeoutMs: 120_000 });

test('a voice made from a WAV appears under "Your voices" in Choose Voice, and reading with it plays', async () => {
  await setup();
  const dir = mkdtempSync(path.join(tmpdir(), 'pr-yourvoice-'));
  let file: string | undefined;
  try {
    const mono = prompt();
    const stereo = new Float32Array(mono.length * 2).map((_, i) => mono[i >> 1]!);
    const wav = writeWav(path.join(dir, 'Jo reading.wav'), { sampleRate: 24000, channels: 2, bits: 24, samples: stereo });
    file = await vscode.commands.executeCommand<string | undefined>('pocketReader._testCreateVoice', wav, 'Jo');
    assert.ok(file, `no voice made: ${JSON.stringify((await state()).lastError)}`);
    assert.equal(path.basename(file), 'Jo.safetensors');
    assert.ok(statSync(file).size > 2 * (2 * 33 * 64 * 4), 'the state of 33 positions in both layers');

    // Choose Voice, as a user: the section and the voice are in the quick pick; filtering and Enter pick it.
    const chosen = vscode.commands.executeCommand<string | undefined>('pocketReader.chooseVoice');
    await until('the voice quick pick', quickInputOpen);
    // The list is virtual: from the first row, ArrowUp wraps to the last, scrolling the end of the list into view.
    await page.press('ArrowUp');
    await until('"Your voices" in view', () => page.eval<boolean>(`document.querySelector('${QUICK_INPUT} .quick-input-list').innerText.includes('Your voices')`));
    const rows = await page.eval<string>(`document.querySelector('${QUICK_INPUT} .quick-input-list').innerText`);
    assert.match(rows, /Your voices/);
    assert.match(rows, /^Jo\s*made /m);
    assert.match(rows, /Create Voice from Recording…/);
    assert.match(rows, /Manage Your Voices…/);
    await screenshotThemes('choose-voice-your-voices', async () => {
      if (!(await quickInputOpen())) assert.fail('the quick pick closed');
    });
    await enterInQuickInput('Jo');
    assert.equal(await chosen, file);
    assert.equal(vscode.workspace.getConfiguration('pocketReader').get('voice'), file);

    const folder = vscode.workspace.workspaceFolders![0]!;
    const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(vscode.Uri.joinPath(folder.uri, 'README.md')));
    const text = editor.document.getText();
    const start = text.indexOf('Pocket Reader reads selections');
    editor.selection = new vscode.Selection(editor.document.positionAt(start), editor.document.positionAt(start + 120));
    await vscode.commands.executeCommand('pocketReader.readSelection');
    const playing = await until('playing with the new voice', async () => {
      const s = await state();
      return s.state === 'playing' && s.playerPid !== undefined && s;
    }, 60_000);
    assert.match(playing.statusText, /Reading \d+\/\d+ · Jo 1×/);
    await vscode.commands.executeCommand('pocketReader.stop');
    assert.equal((await state()).lastError?.code === 'UNKNOWN_VOICE', false);
  } finally {
    await vscode.commands.executeCommand('pocketReader.stop');
    await vscode.workspace.getConfiguration('pocketReader').update('voice', 'alba', vscode.ConfigurationTarget.Global);
    if (file) rmSync(file, { force: true });
    rmSync(dir, { recursive: true, force: true });
  }
}, { timeoutMs: 180_000 });

test('Manage Your Voices renames with the item button, and the voice setting follows the file', async () => {
  await setup();
  const dir = mkdtempSync(path.join(tmpdir(), 'pr-yourvoice-'));
  let file: string | undefined;
  try {
    const mono = prompt();
    const wav = writeWav(path.join(dir, 'take.wav'), { sampleRate: 48000, bits: 32, encoding: 'float', samples: new Float32Array(mono.length * 2).map((_, i) => mono[i >> 1]!) });
    file = await vscode.commands.executeCommand<string | undefined>('pocketReader._testCreateVoice', wav, 'Sam');
    assert.ok(file, `no voice made: ${JSON.stringify((await state()).lastError)}`);
    await vscode.workspace.getConfiguration('pocketReader').update('voice', file, vscode.ConfigurationTarget.Global);

    const managed = vscode.commands.executeCommand<string | undefined>('pocketReader.manageVoices');
    await until('the manage picker', async () => (await quickInputOpen()) && (await page.eval<boolean>(`document.querySelector('${QUICK_INPUT}').innerText.includes('Sam')`)));
    assert.match(await page.eval<string>(`document.querySelector('${QUICK_INPUT} .quick-input-list').innerText`), /Sam\s*made .* · current/);
    await page.screenshot('manage-your-voices');
    await page.click(`${QUICK_INPUT} .monaco-list-row.focused .codicon-edit`);
    await until('the rename box', () => page.eval<boolean>(`document.querySelector('${QUICK_INPUT}').innerText.includes('rename “Sam”')`));
    await enterInQuickInput('Samantha');
    const renamed = path.join(path.dirname(file), 'Samantha.safetensors');
    await until('the file renamed', async () => existsSync(renamed) && !existsSync(file!));
    file = renamed;
    await until('the setting updated', async () => vscode.workspace.getConfiguration('pocketReader').get('voice') === renamed);
    // The picker comes back with the new name; Escape closes it.
    await until('the manage picker again', async () => (await quickInputOpen()) && (await page.eval<boolean>(`document.querySelector('${QUICK_INPUT}').innerText.includes('Samantha')`)));
    await page.press('Escape');
    assert.equal(await managed, undefined);
  } finally {
    await vscode.workspace.getConfiguration('pocketReader').update('voice', 'alba', vscode.ConfigurationTarget.Global);
    if (file) rmSync(file, { force: true });
    rmSync(dir, { recursive: true, force: true });
  }
}, { timeoutMs: 180_000 });
