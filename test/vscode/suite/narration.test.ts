// What Read Document Aloud speaks in a real extension host, for a README with HTML, emoji and bullets, and under each
// reading setting (pocketReader.emoji, announceHeadings, codeBlocks, tables) changed the way a user changes it.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import { skip, test } from './harness';
import { page, screenshotThemes } from './page';
import { state, waitFor } from './readerState';
import { useTinyModel } from './settings';

const EXTENSION_ID = 'pocket-reader.pocket-reader';
const SETTINGS = ['emoji', 'announceHeadings', 'codeBlocks', 'tables'] as const;
type Setting = (typeof SETTINGS)[number];

async function setup(): Promise<void> {
  const ext = vscode.extensions.getExtension(EXTENSION_ID)!;
  await ext.activate();
  const model = path.join(ext.extensionPath, 'models', 'generated', 'tiny');
  if (!existsSync(path.join(model, 'bundle.json'))) skip(`tiny model not generated at ${model}`);
  await useTinyModel(model);
}

/** Sets the reading settings as a user would (user scope); undefined resets one to its default. */
async function configure(values: Partial<Record<Setting, unknown>>): Promise<void> {
  const cfg = vscode.workspace.getConfiguration('pocketReader');
  for (const key of SETTINGS) await cfg.update(key, values[key], vscode.ConfigurationTarget.Global);
}

/** Runs Read Document Aloud on `editor` and returns what it speaks (texts, and the source each highlights). */
async function readAloud(editor: vscode.TextEditor): Promise<{ text: string; source: string }[]> {
  await vscode.window.showTextDocument(editor.document);
  await vscode.commands.executeCommand('pocketReader.readDocument');
  const s = await state();
  await vscode.commands.executeCommand('pocketReader.stop');
  const doc = editor.document;
  return s.lastRead.map((seg) => ({ text: seg.text, source: doc.getText(new vscode.Range(doc.positionAt(seg.start), doc.positionAt(seg.end))) }));
}

async function markdownEditor(content: string): Promise<vscode.TextEditor> {
  return vscode.window.showTextDocument(await vscode.workspace.openTextDocument({ content, language: 'markdown' }));
}

const README = [
  '<p align="center"><img src="docs/logo.svg" alt="Tidewater logo" width="120"></p>',
  '<h1 align="center">Tidewater</h1>',
  '<p align="center"><b>Streaming ETL for people who hate YAML.</b></p>',
  '<p align="center">',
  '  <a href="https://github.com/t/t/actions"><img src="https://github.com/t/t/actions/workflows/ci.yml/badge.svg" alt="CI status"></a>',
  '  <a href="https://www.npmjs.com/package/t"><img src="https://img.shields.io/npm/v/t.svg" alt="npm version"></a>',
  '</p>',
  '<p align="center"><a href="#install">Install</a> • <a href="#usage">Usage</a></p>',
  '',
  '<details>',
  '<summary>Show more</summary>',
  '',
  'Extra notes!!!! Really???',
  '',
  '</details>',
  '',
  '<div align="center"><sub>Made with ❤️ in Lisbon 🎉🎉🎉</sub></div>',
  '',
].join('\n');

test('a README with an HTML header, <details> and a footer: the visible text, highlighted on its HTML line', async () => {
  if (!process.env.PULSE_SERVER) skip('no PULSE_SERVER (null sink not started)');
  await setup();
  await configure({});
  const editor = await markdownEditor(README);
  try {
    await vscode.commands.executeCommand('pocketReader.readDocument');
    // The first sentence heard is highlighted on the <img> line of the header.
    const heard = await waitFor('the first sentence heard', (s) => s.state === 'playing' && s.highlight !== undefined);
    const doc = editor.document;
    const at = (offset: number) => doc.positionAt(offset);
    assert.equal(doc.getText(new vscode.Range(at(heard.highlight!.start), at(heard.highlight!.end))), 'Tidewater logo');
    assert.match(doc.lineAt(at(heard.highlight!.start).line).text, /^<p align="center"><img /);
    await vscode.commands.executeCommand('pocketReader.stop');
    assert.deepEqual(heard.lastRead.map((s) => s.text), [
      'Tidewater logo', 'Tidewater', 'Streaming ETL for people who hate YAML.', 'Install, Usage', 'Show more', 'Extra notes!', 'Really?',
      'Made with red heart in Lisbon',
    ]);
    const title = heard.lastRead[1]!;
    assert.equal(title.kind, 'heading');
    assert.equal(doc.lineAt(at(title.start).line).text, '<h1 align="center">Tidewater</h1>');
  } finally {
    await vscode.commands.executeCommand('pocketReader.stop');
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  }
}, { timeoutMs: 90_000 });

test('pocketReader.emoji: name reads "red heart", skip reads nothing for it', async () => {
  await setup();
  const editor = await markdownEditor('Made with ❤️ in Lisbon.\n');
  try {
    await configure({});
    assert.deepEqual((await readAloud(editor)).map((s) => s.text), ['Made with red heart in Lisbon.']);
    await configure({ emoji: 'skip' });
    assert.deepEqual((await readAloud(editor)).map((s) => s.text), ['Made with in Lisbon.']);
  } finally {
    await configure({});
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  }
}, { timeoutMs: 60_000 });

test('pocketReader.announceHeadings: "Heading." before each heading when on', async () => {
  await setup();
  const editor = await markdownEditor('# Install the tool\n\nRun it.\n');
  try {
    await configure({});
    assert.deepEqual((await readAloud(editor)).map((s) => s.text), ['Install the tool', 'Run it.']);
    await configure({ announceHeadings: true });
    const spoken = await readAloud(editor);
    assert.deepEqual(spoken.map((s) => s.text), ['Heading. Install the tool', 'Run it.']);
    assert.equal(spoken[0]!.source, 'Install the tool');
  } finally {
    await configure({});
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  }
}, { timeoutMs: 60_000 });

test('pocketReader.codeBlocks: skip, announce, and read line by line', async () => {
  await setup();
  const editor = await markdownEditor('Start.\n\n```js\nconst appName = getName();\n```\n');
  try {
    await configure({});
    assert.deepEqual((await readAloud(editor)).map((s) => s.text), ['Start.']);
    await configure({ codeBlocks: 'announce' });
    assert.deepEqual((await readAloud(editor)).map((s) => s.text), ['Start.', 'Code block skipped.']);
    await configure({ codeBlocks: 'read' });
    const spoken = await readAloud(editor);
    assert.deepEqual(spoken.map((s) => [s.text, s.source]), [['Start.', 'Start.'], ['const app name get name', 'const appName = getName();']]);
  } finally {
    await configure({});
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  }
}, { timeoutMs: 60_000 });

test('pocketReader.tables: read cell by cell, skip, announce', async () => {
  await setup();
  const editor = await markdownEditor('Before.\n\n| Flag | Meaning |\n|---|---|\n| verbose | more output |\n\nAfter.\n');
  try {
    await configure({});
    assert.deepEqual((await readAloud(editor)).map((s) => s.text), ['Before.', 'Flag', 'Meaning', 'verbose', 'more output', 'After.']);
    await configure({ tables: 'skip' });
    assert.deepEqual((await readAloud(editor)).map((s) => s.text), ['Before.', 'After.']);
    await configure({ tables: 'announce' });
    assert.deepEqual((await readAloud(editor)).map((s) => s.text), ['Before.', 'Table skipped.', 'After.']);
  } finally {
    await configure({});
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  }
}, { timeoutMs: 60_000 });

test('the reading settings in the Settings editor', async () => {
  await setup();
  await vscode.commands.executeCommand('workbench.action.openSettings', 'pocketReader');
  try {
    const shown = async () => page.eval<string>(`[...document.querySelectorAll('.setting-item-label')].map((e) => e.textContent).join('|')`, undefined, 10_000);
    for (let i = 0; i < 40 && !/Announce Headings/.test(await shown()); i++) await new Promise((r) => setTimeout(r, 250));
    const labels = await shown();
    for (const label of ['Code Blocks', 'Tables', 'Announce Headings', 'Emoji']) assert.match(labels, new RegExp(label), labels);
    await screenshotThemes('settings-reading');
  } finally {
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  }
}, { timeoutMs: 60_000 });
