// What a new user meets before the first word: the first-use question, a broken local folder, being offline.
// The reading waits visibly (status bar), continues when a choice fixes it, and ends cleanly when dismissed.
import assert from 'node:assert/strict';
import { rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { defaultGroups, formatSize, groupBytes, onnxManifest } from '../../../src/store/manifest';
import { test } from './harness';
import { page } from './page';
import { copyModel, goOffline, openFile, run, setSetting, setting, sleep, state, tinyModel, waitFor } from './fixtures';
import { clearNotifications, clickNotificationButton, clickStatusItem, dismissNotification, statusItem, waitForNotification, waitForPage, waitForQuickPick } from './workbench';

const STORY = 'The first sentence is here. The second sentence follows it.\n\nA third one ends it.\n';

function scratch(): string {
  const file = path.join(tmpdir(), `pr-setup-${process.pid}-${Date.now()}.md`);
  writeFileSync(file, STORY);
  return file;
}

test('first use: the status bar says the model is needed while the reading waits; closing the question cancels it', async () => {
  await tinyModel();
  const file = scratch();
  try {
    await clearNotifications();
    await setSetting('modelPath', '');
    await openFile(file);
    const reading = run('readDocument');
    const question = 'the speech model is needed first';
    const notice = await waitForNotification(question);
    assert.equal(notice.message, `Pocket Reader: the speech model is needed first (≈ ${formatSize(groupBytes(onnxManifest, defaultGroups(onnxManifest)))}, downloaded once from huggingface.co). Download it, or use a local model folder?`);
    assert.deepEqual(notice.buttons, ['Download', 'Use Local Folder']);
    await waitForPage('the status bar entry', `[...document.querySelectorAll('.statusbar-item')].find((e) => e.id.endsWith('.modelNeeded'))?.textContent?.trim()`, (t) => t === 'Pocket Reader: model needed');
    assert.match((await state()).modelQuestion ?? '', /needed first/);
    await page.screenshot('model-needed');

    // Notifications hide after a while; the status bar entry asks the same question.
    await clickStatusItem('modelNeeded');
    const rows = await waitForQuickPick('the model choices');
    assert.deepEqual(rows.map((r) => r.label), ['Download', 'Use Local Folder']);
    await page.press('Escape');
    await sleep(300);
    assert.equal(await statusItem('modelNeeded'), 'Pocket Reader: model needed', 'Escape leaves the question open');

    await waitForNotification(question);
    await dismissNotification(question);
    await reading;
    const s = await state();
    assert.equal(s.state, 'idle');
    assert.equal(s.modelQuestion, undefined);
    assert.equal(s.engineRequests, 0, 'nothing was synthesized');
    const asked = s.log.map((l) => l.startsWith('waiting for an answer: Pocket Reader: the speech model is needed first')).lastIndexOf(true);
    assert.ok(asked >= 0 && !s.log.slice(asked).some((l) => l.startsWith('reading ')), 'the reading never started');
    await waitForPage('the status bar entry to go', `![...document.querySelectorAll('.statusbar-item')].some((e) => e.id.endsWith('.modelNeeded') && e.offsetParent)`, (gone: boolean) => gone);
    assert.ok(s.log.includes('no model chosen; the waiting reading is cancelled'), s.log.join('\n'));
  } finally {
    await run('stop');
    await clearNotifications();
    await tinyModel();
    rmSync(file, { force: true });
  }
}, { timeoutMs: 120_000 });

test('a damaged local folder is named in plain words; Use Downloaded Model clears it; offline is said plainly; Use Local Folder continues the reading', async () => {
  const tiny = await tinyModel();
  const broken = copyModel(tiny);
  truncateSync(path.join(broken, 'flow_lm_flow.onnx'), 0);
  const file = scratch();
  const online = goOffline();
  try {
    await clearNotifications();
    await setSetting('modelPath', broken);
    await openFile(file);
    const reading = run('readDocument');
    const damaged = await waitForNotification('is damaged');
    assert.equal(damaged.message, `Pocket Reader: the model folder ${broken} is damaged: flow_lm_flow.onnx is empty.`);
    assert.deepEqual(damaged.buttons, ['Use Downloaded Model', 'Choose Another Folder', 'Open Settings']);
    await waitForPage('the status bar entry', `[...document.querySelectorAll('.statusbar-item')].find((e) => e.id.endsWith('.modelNeeded'))?.textContent?.trim()`, (t) => t === 'Pocket Reader: model needed');

    await clickNotificationButton('is damaged', 'Use Downloaded Model');
    const offline = await waitForNotification('cannot reach the model server');
    assert.equal(offline.message, 'Pocket Reader: cannot reach the model server — you seem to be offline (or behind a proxy: set http.proxy).');
    assert.deepEqual(offline.buttons, ['Retry', 'Use Local Folder', 'Open Settings']);
    assert.equal(setting('modelPath'), '', 'the folder setting was cleared');
    const logged = (await state()).log.filter((l) => l.startsWith('error OFFLINE'));
    assert.equal(logged.length, 1, 'one line for the offline error');
    assert.match(logged[0]!, /ENOTFOUND huggingface\.co/, 'the raw text is in the log');
    assert.doesNotMatch(logged[0]!, /\n|\s+at /, 'no stack trace');

    // Use Local Folder opens the folder dialog; the chosen folder is checked, saved, and the reading goes on.
    await clickNotificationButton('cannot reach the model server', 'Use Local Folder');
    await waitForPage('the folder dialog', `!!document.querySelector('.quick-input-widget:not([style*="display: none"]) input')`, (open: boolean) => open);
    await typeIntoFolderDialog(`${tiny}/`);
    await sleep(500);
    await page.press('Enter');
    const playing = await waitFor('the waiting reading to play', (s) => s.state === 'playing' && s.playerPid !== undefined, 60_000);
    assert.equal(setting('modelPath'), tiny);
    assert.equal(playing.modelQuestion, undefined);
    assert.equal(await statusItem('modelNeeded'), undefined);
    await run('stop');
    await reading;
  } finally {
    online();
    await run('stop');
    await clearNotifications();
    await tinyModel();
    rmSync(broken, { recursive: true, force: true });
    rmSync(file, { force: true });
  }
}, { timeoutMs: 180_000 });

test('a model file the runtime cannot read is named in plain words; the runtime\'s own text goes to the log', async () => {
  const tiny = await tinyModel();
  const garbled = copyModel(tiny);
  writeFileSync(path.join(garbled, 'flow_lm_flow.onnx'), 'this is not an onnx graph');
  const file = scratch();
  try {
    await clearNotifications();
    await setSetting('modelPath', garbled);
    await openFile(file);
    await run('readDocument');
    const s = await waitFor('the load failure', (x) => x.lastError?.code === 'MODEL_CORRUPT' && x.state === 'idle');
    assert.equal(s.lastError!.message, `Pocket Reader: flow_lm_flow.onnx in ${garbled} is damaged: ONNX Runtime cannot read it as a model (25 bytes).`);
    const notice = await waitForNotification('ONNX Runtime cannot read it');
    assert.deepEqual(notice.buttons, ['Use Downloaded Model', 'Choose Another Folder', 'Open Settings']);
    const line = [...s.log].reverse().find((l) => l.startsWith('error MODEL_CORRUPT'));
    assert.ok(line && /\[.+\]$/.test(line) && !/\s+at /.test(line), `one line with the runtime's text: ${line}`);
  } finally {
    await run('stop');
    await clearNotifications();
    await tinyModel();
    rmSync(garbled, { recursive: true, force: true });
    rmSync(file, { force: true });
  }
}, { timeoutMs: 120_000 });

/** The simple folder dialog fills its input with its start folder asynchronously, which can overwrite what was typed
 * on a busy machine: type again until the value stays. */
async function typeIntoFolderDialog(value: string): Promise<void> {
  const input = `document.querySelector('.quick-input-widget input')?.value`;
  let last: unknown;
  for (let attempt = 0; attempt < 4; attempt++) {
    await page.press('Control+A');
    await page.paste(value);
    try {
      await waitForPage('the dialog to show the folder', input, (v) => v === value, 5_000);
      await sleep(500);
      if ((last = await page.eval<string>(input)) === value) return;
    } catch (err) {
      last = err;
    }
  }
  assert.fail(`the folder dialog did not keep ${value}: ${String(last)}`);
}
