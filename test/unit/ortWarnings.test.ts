// A published-style INT8 graph carries shape-inferred value_info with the static 1000-position cache; unless the
// load-time edit reaches those shapes too, onnxruntime logs VerifyOutputSizes warnings to stderr on every step
// (thousands of lines per document). A run must print no onnxruntime warning, on either backbone path.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import path from 'node:path';
import { root, skipUnless, tinyInt8ModelDir, tinyModelDir } from '../helpers/paths';

const skip = skipUnless(path.join(tinyInt8ModelDir, 'bundle.json'), 'generated tiny INT8 model');

for (const backbone of ['export', 'lean'] as const) {
  test(`an INT8 run on the ${backbone} backbone prints no onnxruntime warning`, { skip }, () => {
    const r = spawnSync(
      process.execPath,
      ['--import', 'tsx', path.join(root, 'test', 'helpers', 'stepChild.ts'), tinyInt8ModelDir, path.join(tinyModelDir, 'reference', 'paragraph'), path.join(tinyInt8ModelDir, 'voices', 'alba.safetensors'), backbone === 'export' ? 'export' : 'auto'],
      { cwd: root, encoding: 'utf8', timeout: 120_000 },
    );
    assert.equal(r.status, 0, r.stderr);
    const result = JSON.parse(r.stdout.trim().split('\n').pop()!);
    assert.equal(result.backbone, backbone);
    assert.ok(result.frames > 50, `the run generated ${result.frames} frames`);
    const warnings = r.stderr.split('\n').filter((l) => /onnxruntime|VerifyOutputSizes/.test(l));
    assert.deepEqual(warnings, [], `${warnings.length} onnxruntime lines on stderr`);
  });
}
