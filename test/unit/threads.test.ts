import assert from 'node:assert/strict';
import { test } from 'node:test';
import { backboneThreads } from '../../src/engine/threads';

test('automatic backbone threads leave a core to Mimi and one to the rest', () => {
  assert.deepEqual([1, 2, 3, 4, 5, 6, 8, 16].map((cores) => backboneThreads(0, cores)), [1, 1, 1, 2, 3, 4, 4, 4]);
  assert.equal(backboneThreads(undefined, 2), 1);
});

test('an explicit thread count is used as given', () => {
  assert.equal(backboneThreads(3, 2), 3);
  assert.equal(backboneThreads(1, 16), 1);
});
