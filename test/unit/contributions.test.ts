// package.json contributions other features rely on.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { root } from '../helpers/paths';

const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
  contributes: { colors: Array<{ id: string; description: string; defaults: Record<string, string> }> };
};

test('theme colours: the agreed ids, each with light, dark and both high-contrast defaults', () => {
  const colors = pkg.contributes.colors;
  assert.deepEqual(colors.map((c) => c.id), ['pocketReader.sentenceBackground', 'pocketReader.sentenceBorder', 'pocketReader.wordBackground']);
  for (const c of colors) {
    assert.deepEqual(Object.keys(c.defaults).sort(), ['dark', 'highContrast', 'highContrastLight', 'light'], c.id);
    for (const v of Object.values(c.defaults)) assert.match(v, /^#[0-9A-Fa-f]{6}([0-9A-Fa-f]{2})?$/, `${c.id}: ${v}`);
    assert.ok(c.description.length > 0);
  }
});
