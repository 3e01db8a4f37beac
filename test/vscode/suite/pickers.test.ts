// Choose Voice and Set Speed as a user meets them: the voices the model in use really has, each picker opened on
// the current value (marked), so Enter keeps it; a configured voice the model lacks falls back once, loudly.
import assert from 'node:assert/strict';
import { copyFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from './harness';
import { page } from './page';
import { copyModel, openFile, run, setSetting, setting, state, tinyModel, waitFor } from './fixtures';
import { clearNotifications, clickQuickPickRow, waitForNotification, waitForQuickPick } from './workbench';

test('Choose Voice lists the voices the model folder has, opens on the current one, and Enter keeps it', async () => {
  const tiny = await tinyModel();
  const dir = copyModel(tiny);
  copyFileSync(path.join(dir, 'voices', 'alba.safetensors'), path.join(dir, 'voices', 'vera.safetensors'));
  writeFileSync(path.join(dir, 'voices', 'junk.safetensors'), 'not a voice state');
  try {
    await setSetting('modelPath', dir);
    await setSetting('voice', 'vera');
    const kept = run('chooseVoice');
    const rows = await waitForQuickPick('the voice list', (r) => r.some((x) => x.label === 'vera'));
    assert.deepEqual(
      rows.map((r) => r.label).filter((l) => l !== 'Manage Your Voices…'),
      ['alba', 'vera', 'Create Voice from Recording…', 'Voice file…'],
      'only the voices in the folder (the damaged one is left out), then your voices and voice files',
    );
    const focused = rows.filter((r) => r.focused);
    assert.deepEqual(focused.map((r) => r.label), ['vera']);
    assert.match(focused[0]!.description, /current/);
    await page.screenshot('voice-picker-local-folder');
    await page.press('Enter');
    assert.equal(await kept, 'vera');

    const changed = run('chooseVoice');
    await waitForQuickPick('the voice list', (r) => r.some((x) => x.label === 'alba'));
    await clickQuickPickRow('alba');
    assert.equal(await changed, 'alba');
    assert.equal(setting('voice'), 'alba');
  } finally {
    await page.press('Escape');
    await tinyModel();
    rmSync(dir, { recursive: true, force: true });
  }
}, { timeoutMs: 90_000 });

test('the download\'s voices not fetched yet are offered with their size', async () => {
  await tinyModel();
  try {
    await setSetting('modelPath', '');
    const none = run('chooseVoice');
    const rows = await waitForQuickPick('the voice list', (r) => r.some((x) => x.label === 'anna'));
    const alba = rows.find((r) => r.label === 'alba')!;
    assert.ok(alba.focused, 'the current voice is focused');
    assert.match(alba.description, /current.*6\.2 MB · CC-BY-4\.0/);
    assert.match(rows.find((r) => r.label === 'anna')!.description, /7\.8 MB · CC-BY-4\.0/);
    await page.screenshot('voice-picker-download');
    await page.press('Escape');
    assert.equal(await none, undefined);
  } finally {
    await tinyModel();
  }
}, { timeoutMs: 60_000 });

test('a configured voice the model folder lacks: the reading uses the model\'s default and says so once', async () => {
  const tiny = await tinyModel();
  const file = path.join(tmpdir(), `pr-voice-${process.pid}.md`);
  writeFileSync(file, 'One sentence to read. And another one.\n');
  try {
    await clearNotifications();
    await setSetting('voice', 'vera');
    await openFile(file);
    for (let i = 0; i < 2; i++) {
      await run('readDocument');
      const s = await waitFor('reading', (x) => x.state === 'playing' || x.state === 'preparing');
      assert.match(s.statusText, /\balba\b/, 'the default voice reads');
      await run('stop');
    }
    const notice = await waitForNotification('is not in this model');
    assert.equal(notice.message, `Pocket Reader: the voice "vera" is not in this model (${tiny}); reading with "alba", the model's default.`);
    assert.deepEqual(notice.buttons, ['Choose Voice']);
    const said = (await state()).log.filter((l) => l.includes('"vera" is not in this model'));
    assert.equal(said.length, 1, 'said once');
    assert.equal(setting('voice'), 'vera', 'the setting is kept for a model that has the voice');
  } finally {
    await run('stop');
    await clearNotifications();
    await tinyModel();
    rmSync(file, { force: true });
  }
}, { timeoutMs: 90_000 });

test('Set Speed offers 0.5× and opens on the current speed, marked, so Enter keeps it', async () => {
  await tinyModel();
  try {
    await setSetting('speed', 1.25);
    const kept = run('setSpeed');
    const rows = await waitForQuickPick('the speeds');
    assert.deepEqual(rows.map((r) => r.label), ['0.5×', '0.75×', '1×', '1.25×', '1.5×', '1.75×', '2×', '2.5×', '3×', 'Other…']);
    assert.deepEqual(rows.filter((r) => r.focused).map((r) => `${r.label} ${r.description}`), ['1.25× current']);
    await page.screenshot('speed-picker');
    await page.press('Enter');
    assert.equal(await kept, 1.25);
    assert.equal(setting('speed'), 1.25);

    await setSetting('speed', 1.1);
    const custom = run('setSpeed');
    const again = await waitForQuickPick('the speeds', (r) => r.some((x) => x.label === '1.1×'));
    assert.deepEqual(again.slice(2, 5).map((r) => [r.label, r.focused]), [['1×', false], ['1.1×', true], ['1.25×', false]]);
    await page.press('ArrowUp');
    await page.press('ArrowUp');
    await page.press('ArrowUp');
    await page.press('Enter');
    assert.equal(await custom, 0.5);
    assert.equal(setting('speed'), 0.5);
  } finally {
    await page.press('Escape');
    await setSetting('speed', 1);
  }
}, { timeoutMs: 60_000 });
