// Numbers the README shares with the UI come from the one source the UI uses: the pinned model manifest.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { defaultGroups, formatSize, groupBytes, onnxManifest } from '../../src/store/manifest';
import { root } from '../helpers/paths';

test('the README states the model download size the first-use prompt shows', () => {
  const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
  const stated = [...readme.matchAll(/downloads the speech model once \(≈ ([\d.]+ [kM]B)/g)].map((m) => m[1]);
  assert.deepEqual(stated, [formatSize(groupBytes(onnxManifest, defaultGroups(onnxManifest)))]);
});

test('formatSize: decimal units, rounded as people read them', () => {
  assert.equal(formatSize(150_464_902), '150 MB');
  assert.equal(formatSize(6_194_424), '6.2 MB');
  assert.equal(formatSize(59_339), '59 kB');
  assert.equal(formatSize(2_000_000), '2 MB');
});
