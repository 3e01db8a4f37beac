// The sentence being read stands out in light, dark and high-contrast themes, from the extension's own theme
// colours, and stays visible above the selection when a selection is read.
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as vscode from 'vscode';
import { test } from './harness';
import { page, screenshotThemes } from './page';
import { EXTENSION_ID, openFile, run, state, tinyModel, waitFor } from './fixtures';

interface Painted {
  /** Colours as the browser resolves them: [r, g, b, a] with a in 0–1. */
  sentence: number[];
  border: number[];
  editor: number[];
  selection: number[];
  /** The decoration element painted with the sentence colour exists, and comes after the selection in its line. */
  decorated: boolean;
  aboveSelection: boolean;
}

// Runs in the page: resolve the theme variables and find the decoration among the editor's view overlays.
const MEASURE = `(() => {
  const probe = document.createElement('div');
  document.body.appendChild(probe);
  const rgba = (css) => {
    probe.style.backgroundColor = '';
    probe.style.backgroundColor = css;
    const m = getComputedStyle(probe).backgroundColor.match(/[\\d.]+/g).map(Number);
    return [m[0], m[1], m[2], m.length > 3 ? m[3] : 1];
  };
  const root = getComputedStyle(document.querySelector('.monaco-workbench'));
  const v = (name) => root.getPropertyValue('--vscode-' + name).trim() || 'transparent';
  const sentence = rgba(v('pocketReader-sentenceBackground'));
  const out = {
    sentence,
    border: rgba(v('pocketReader-sentenceBorder')),
    editor: rgba(v('editor-background')),
    selection: rgba(v('editor-selectionBackground')),
    decorated: false,
    aboveSelection: false,
  };
  const same = (a, b) => a.every((x, i) => Math.abs(x - b[i]) < 0.02);
  for (const line of document.querySelectorAll('.monaco-editor .view-overlays > div')) {
    const kids = [...line.children];
    const deco = kids.findIndex((k) => same(rgba(getComputedStyle(k).backgroundColor), sentence));
    if (deco < 0) continue;
    out.decorated = true;
    const sel = kids.findIndex((k) => k.classList.contains('selected-text'));
    if (sel >= 0) out.aboveSelection = deco > sel;
  }
  probe.remove();
  return out;
})()`;

/** `top` drawn with its alpha over an opaque `under`. */
const over = (top: number[], under: number[]) => [0, 1, 2].map((i) => top[i]! * top[3]! + under[i]! * (1 - top[3]!));
const luminance = (c: number[]) => {
  const lin = c.map((x) => (x / 255 <= 0.03928 ? x / 255 / 12.92 : ((x / 255 + 0.055) / 1.055) ** 2.4));
  return 0.2126 * lin[0]! + 0.7152 * lin[1]! + 0.0722 * lin[2]!;
};
/** WCAG contrast ratio of two opaque colours. */
const contrast = (a: number[], b: number[]) => {
  const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p);
  return (x! + 0.05) / (y! + 0.05);
};
const distance = (a: number[], b: number[]) => Math.hypot(a[0]! - b[0]!, a[1]! - b[1]!, a[2]! - b[2]!);

test('the sentence highlight uses the contributed colours, stands out in every theme kind, and shows above the selection', async () => {
  await tinyModel();
  const ext = vscode.extensions.getExtension(EXTENSION_ID)!;
  const colors = (ext.packageJSON.contributes.colors as Array<{ id: string }>).map((c) => c.id);
  assert.deepEqual(colors, ['pocketReader.sentenceBackground', 'pocketReader.sentenceBorder', 'pocketReader.wordBackground']);

  const file = path.join(tmpdir(), `pr-highlight-${process.pid}.md`);
  const text = 'The first sentence of the selection is read aloud now. The second sentence follows it. A third one ends the paragraph.\n';
  writeFileSync(file, text);
  try {
    const editor = await openFile(file);
    editor.selection = new vscode.Selection(0, 0, 0, text.length - 1);
    await run('readSelection');
    await waitFor('reading', (s) => s.state === 'playing' && s.highlight !== undefined);
    await run('togglePause');
    const paused = await waitFor('paused on a sentence', (s) => s.state === 'paused' && s.highlight !== undefined);
    assert.ok(!vscode.window.activeTextEditor!.selection.isEmpty, 'the selection is kept');

    const seen: Record<string, Painted> = {};
    const kinds = ['light', 'dark', 'highContrast'] as const;
    let k = 0;
    const shots = await screenshotThemes('reading-selection', async () => {
      await new Promise((r) => setTimeout(r, 600));
      seen[kinds[k++]!] = await page.eval<Painted>(MEASURE);
    });
    assert.equal(shots.length, 3);
    for (const kind of kinds) {
      const p = seen[kind]!;
      assert.ok(p.decorated, `${kind}: the sentence is painted with pocketReader.sentenceBackground`);
      assert.ok(p.aboveSelection, `${kind}: the highlight is drawn after (above) the selection`);
      const onEditor = over(p.sentence, p.editor);
      const onSelection = over(p.sentence, over(p.selection, p.editor));
      if (kind === 'highContrast') {
        assert.ok(p.border[3]! > 0.9 && contrast(p.border, p.editor) >= 3, `${kind}: an opaque outline with 3:1 contrast (${p.border})`);
      } else {
        assert.ok(distance(onEditor, p.editor) >= 60, `${kind}: the sentence stands out from the editor (${onEditor.map(Math.round)} on ${p.editor})`);
        assert.ok(distance(onSelection, over(p.selection, p.editor)) >= 60, `${kind}: the sentence stands out from the selection`);
      }
    }
    assert.deepEqual((await state()).highlight, paused.highlight, 'still on the same sentence');
    console.log(`    screenshots: ${shots.map((f) => path.basename(f)).join(', ')}`);
  } finally {
    await run('stop');
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    rmSync(file, { force: true });
  }
}, { timeoutMs: 120_000 });
