// Languages in the real extension host: a German Markdown file under `pocketReader.language: auto` is detected as
// German, the German pack (the tiny model standing in, served by a local hub as `onnx/german`) is offered, downloaded
// and loaded, the status bar shows DE, and the voice picker lists the German voices.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as vscode from 'vscode';
import { BUNDLE_FILES, ONNX_REPO, VOICES_REPO } from '../../../src/store/languagePacks';
import { FakeHub } from '../../helpers/fakeHub';
import { page, screenshotThemes } from './page';
import { skip, test } from './harness';
import { useTinyModel, type ReaderTestState } from './settings';

const state = async () => (await vscode.commands.executeCommand<ReaderTestState>('pocketReader._testState'))!;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const GERMAN = [
  '# Anleitung',
  '',
  'Dieses Projekt liest deine Dokumente vollständig auf deinem eigenen Rechner vor. Nichts wird an einen Server geschickt.',
  '',
  'Am 3. März kamen 1.234 neue Nutzer dazu, das sind 42 % mehr als im Vorjahr.',
  '',
].join('\n');

/** The tiny model as the `german` bundle: its graphs under the int8 names, its voice as juergen. */
function serveTinyAsGerman(hub: FakeHub, tiny: string): void {
  const source: Record<string, string> = { 'flow_lm_main_int8.onnx': 'flow_lm_main.onnx', 'flow_lm_flow_int8.onnx': 'flow_lm_flow.onnx' };
  for (const f of BUNDLE_FILES) {
    let body = readFileSync(path.join(tiny, source[f] ?? f));
    if (f === 'bundle.json') body = Buffer.from(JSON.stringify({ ...JSON.parse(body.toString('utf8')), bundle_name: 'german', language: 'german', remove_semicolons: true }));
    hub.add(ONNX_REPO.repo, ONNX_REPO.revision, `onnx/german/${f}`, body, f !== 'bundle.json');
  }
  hub.add(VOICES_REPO.repo, VOICES_REPO.revision, 'languages/german/embeddings/juergen.safetensors', readFileSync(path.join(tiny, 'voices', 'alba.safetensors')));
}

/**
 * Clicks a notification's button once it (matching `text`) is listed; else the notifications seen last. Under
 * extension tests the workbench shows no toasts, so this looks in the notification center, as a user can.
 */
async function clickNotification(text: RegExp, button: string, timeoutMs: number): Promise<true | string[]> {
  const t0 = Date.now();
  let items: string[] = [];
  while (Date.now() - t0 < timeoutMs) {
    await vscode.commands.executeCommand('notifications.showList');
    items = await page.eval<string[]>(`[...document.querySelectorAll('.notifications-center .notification-list-item')].map((t) => t.textContent ?? '')`);
    const index = items.findIndex((t) => text.test(t));
    if (index >= 0) {
      await page.screenshot('language-download-offer');
      await page.click(`.notifications-center .monaco-list-row:nth-child(${index + 1}) .monaco-button:has-text("${button}")`);
      await vscode.commands.executeCommand('notifications.hideList');
      return true;
    }
    await sleep(300);
  }
  return items;
}

async function waitFor(what: string, pred: (s: ReaderTestState) => boolean, timeoutMs = 120_000): Promise<ReaderTestState> {
  const t0 = Date.now();
  let s = await state();
  while (!pred(s)) {
    if (Date.now() - t0 > timeoutMs) assert.fail(`timed out waiting for ${what}; last state ${JSON.stringify(s)}`);
    await sleep(100);
    s = await state();
  }
  return s;
}

test('a German Markdown file (language auto) is offered, downloads and reads with the German pack; the picker lists German voices', async () => {
  if (!process.env.PULSE_SERVER) skip('no PULSE_SERVER (null sink not started)');
  const ext = vscode.extensions.getExtension('pocket-reader.pocket-reader')!;
  await ext.activate();
  const tiny = path.join(ext.extensionPath, 'models', 'generated', 'tiny');
  if (!existsSync(path.join(tiny, 'bundle.json'))) skip(`tiny model not generated at ${tiny}`);
  await useTinyModel(tiny); // the English model; German is not in it
  const cfg = vscode.workspace.getConfiguration('pocketReader');
  await cfg.update('language', 'auto', vscode.ConfigurationTarget.Global);

  const hub = await FakeHub.start();
  serveTinyAsGerman(hub, tiny);
  const endpoint = process.env.HF_ENDPOINT;
  process.env.HF_ENDPOINT = hub.base; // the extension host is this process: the store reads it per download
  const dir = mkdtempSync(path.join(tmpdir(), 'pr-host-de-'));
  const file = path.join(dir, 'LIESMICH.md');
  writeFileSync(file, GERMAN);
  try {
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(vscode.Uri.file(file)));
    const reading = vscode.commands.executeCommand('pocketReader.readDocument');
    // First use: the prompt names the language and the size; the user says Download.
    const offered = await clickNotification(/German speech model \(≈ \d+ MB/, 'Download', 60_000);
    assert.equal(offered, true, `the German model was offered; notifications ${JSON.stringify(offered)}, state ${JSON.stringify(await state())}`);
    await reading;
    const s = await waitFor('reading in German', (x) => x.state === 'playing' && x.currentSegment >= 0);
    assert.deepEqual(s.language, { language: 'de', source: 'detected' });
    assert.equal(path.basename(s.modelDir ?? ''), 'german', `engine model folder ${s.modelDir}`);
    assert.match(s.statusText, /Reading \d+\/\d+ · juergen 1× · DE$/);
    assert.ok(hub.requests.some((q) => q.endsWith('/onnx/german/flow_lm_main_int8.onnx')) && hub.requests.some((q) => q.endsWith('/juergen.safetensors')), 'pack fetched from the hub');
    await screenshotThemes('language-status-de');
    await vscode.commands.executeCommand('pocketReader.stop');

    // The voice picker offers the German voices (juergen first, the default) with their licences.
    const picking = vscode.commands.executeCommand('pocketReader.chooseVoice');
    let rows: string[] = [];
    for (let i = 0; i < 50 && rows.length === 0; i++) {
      await sleep(100);
      rows = await page.eval<string[]>(`[...document.querySelectorAll('.quick-input-widget .monaco-list-row')].map((r) => r.getAttribute('aria-label') ?? r.textContent ?? '')`);
    }
    const title = await page.eval<string>(`document.querySelector('.quick-input-widget .quick-input-title')?.textContent ?? ''`);
    await page.screenshot('language-voice-picker-de');
    await page.press('Escape');
    await picking;
    assert.match(title, /choose a German voice/);
    assert.match(rows[0] ?? '', /juergen/);
    assert.ok(rows.some((r) => /alba/.test(r)) && !rows.some((r) => /cosette|jean\b/.test(r)), rows.join(' | '));

    // English text in the same session goes back to the English model (one language loaded at a time).
    const en = path.join(dir, 'notes.md');
    writeFileSync(en, '# Notes\n\nThis project reads your documents aloud on your own machine. Nothing is sent to a server.\n');
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(vscode.Uri.file(en)));
    await vscode.commands.executeCommand('pocketReader.readDocument');
    const back = await waitFor('reading in English', (x) => x.state === 'playing' && x.language?.language === 'en');
    assert.equal(back.modelDir, tiny);
    assert.match(back.statusText, /· alba 1× · EN$/);
    await vscode.commands.executeCommand('pocketReader.stop');
  } finally {
    await vscode.commands.executeCommand('pocketReader.stop');
    if (endpoint === undefined) delete process.env.HF_ENDPOINT;
    else process.env.HF_ENDPOINT = endpoint;
    await hub.close();
    rmSync(dir, { recursive: true, force: true });
  }
}, { timeoutMs: 300_000 });
