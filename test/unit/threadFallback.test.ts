import assert from 'node:assert/strict';
import { test } from 'node:test';
import { needsThreadFallback } from '../../src/client/threadFallback';

const config = { modelDir: '/m', backend: 'auto' as const };
const refused =
  "CoreML not used (dlopen(/x/pocket_coreml.node, 0x0001): code signature in <…> not valid for use in process: mapping process and mapped file (non-platform) have different Team IDs); using ONNX Runtime";

test('the engine moves into a thread only when macOS refused the addon to the engine process', () => {
  assert.equal(needsThreadFallback('darwin', config, refused), true);
  assert.equal(needsThreadFallback('darwin', { ...config, backend: 'onnx' }, refused), false, 'ONNX was asked for');
  assert.equal(needsThreadFallback('linux', config, refused), false);
  assert.equal(needsThreadFallback('darwin', config, 'CoreML not used (no CoreML model folder); using ONNX Runtime'), false);
  assert.equal(needsThreadFallback('darwin', config, undefined), false);
});
