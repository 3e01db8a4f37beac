// Errors about a setting open exactly that setting; the log says what was read (a paragraph is a paragraph) and
// every control the user used; expected problems are one log line without a stack trace.
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as vscode from 'vscode';
import { test } from './harness';
import { openFile, run, setSetting, sleep, state, tinyModel, waitFor } from './fixtures';
import { clearNotifications, clickNotificationButton, waitForNotification, waitForPage } from './workbench';

const STORY = 'The first sentence is here. The second sentence follows it. A third sentence comes next. The fourth one ends it.\n';

function scratch(name: string): string {
  const file = path.join(tmpdir(), `pr-${name}-${process.pid}.md`);
  writeFileSync(file, STORY);
  return file;
}

test('an unusable voice setting: a plain message, one log line, and Open Settings opens pocketReader.voice', async () => {
  await tinyModel();
  const file = scratch('voice');
  const missing = path.join(tmpdir(), 'no-such-voice.safetensors');
  try {
    await clearNotifications();
    await setSetting('voice', missing);
    await openFile(file);
    await run('readDocument');
    const s = await waitFor('the voice error', (x) => x.lastError?.code === 'UNKNOWN_VOICE');
    assert.equal(s.state, 'idle');
    assert.equal(s.lastError!.message, `Pocket Reader: the voice file cannot be used: ${missing} does not exist.`);
    const lines = s.log.filter((l) => l.startsWith('error UNKNOWN_VOICE'));
    assert.deepEqual(lines, [`error UNKNOWN_VOICE: the voice file cannot be used: ${missing} does not exist`]);

    const notice = await waitForNotification('the voice file cannot be used');
    assert.deepEqual(notice.buttons, ['Choose Voice', 'Open Settings']);
    await clickNotificationButton('the voice file cannot be used', 'Open Settings');
    const query = await waitForPage<string | undefined>(
      'the settings editor searching for the setting',
      `document.querySelector('.settings-editor .suggest-input-container .view-lines')?.textContent ?? undefined`,
      (q) => !!q && q.includes('pocketReader.voice'),
    );
    assert.equal(query!.trim(), 'pocketReader.voice');
    await waitForPage('the Voice setting shown', `[...document.querySelectorAll('.settings-editor .setting-item-title')].map((e) => e.textContent).join('|')`, (t: string) => /Voice/.test(t));
  } finally {
    await setSetting('voice', 'alba');
    await clearNotifications();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    rmSync(file, { force: true });
  }
}, { timeoutMs: 90_000 });

test('the log names a paragraph read at the cursor as a paragraph, and every pause, resume, next, previous and stop', async () => {
  await tinyModel();
  const file = scratch('log');
  try {
    const editor = await openFile(file);
    editor.selection = new vscode.Selection(0, 5, 0, 5);
    await run('readSelection');
    await waitFor('playing', (x) => x.state === 'playing' && x.currentSegment >= 0);
    await run('togglePause');
    await waitFor('paused', (x) => x.state === 'paused');
    await run('togglePause');
    await waitFor('playing again', (x) => x.state === 'playing');
    await run('nextSentence');
    await sleep(300);
    await run('previousSentence');
    await run('stop');
    const log = (await state()).log;
    const from = log.reduce((at, l, i) => (l.startsWith('reading 4 sentence(s)') ? i : at), -1); // the last reading: earlier tests log theirs too
    assert.ok(from >= 0 && log[from]!.includes('(paragraph)'), log.slice(-12).join('\n'));
    const controls = log.slice(from).filter((l) => /^(paused|resumed|next sentence|previous sentence|stopped)\b/.test(l)).map((l) => l.split(/[ ,:]/)[0]);
    assert.deepEqual(controls, ['paused', 'resumed', 'next', 'previous', 'stopped']);
  } finally {
    await run('stop');
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    rmSync(file, { force: true });
  }
}, { timeoutMs: 90_000 });
