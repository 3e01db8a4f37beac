// One regression test per bug of the CoreML trial log: each bug is put back through a small wrapper
// around the real CoreML backend (test/helpers/seedBugs.ts) and the reference parity check must FAIL,
// while the correct path passes. The lsd 4 references are used so that the flow-time bugs are visible
// (with one LSD step s = 0 anyway). Runs on the fake addon and models/generated/tiny/coreml.
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, test } from 'node:test';
import type { Backend } from '../../src/engine/backend';
import { CoreMLBackend } from '../../src/engine/backends/coreml';
import { readGoldens } from '../helpers/golden';
import { createFakeCoreMLAddon, FAKE_SOURCES } from '../helpers/fakeCoreMLAddon';
import { skipUnless, tinyModelDir } from '../helpers/paths';
import { diffs, fmt, runOnGolden, withinTolerance } from '../helpers/runPipeline';
import { PADDED_TEXT_LENGTH, SEED_BUGS, withSeedBug } from '../helpers/seedBugs';

const coremlDir = path.join(tinyModelDir, 'coreml');
const skip = skipUnless(path.join(coremlDir, 'mimi_decoder.onnx'), 'tiny CoreML-contract model (models/generate.py --size tiny)');
const goldens = skip ? [] : readGoldens(path.join(tinyModelDir, 'reference')).filter((g) => g.lsdSteps === 4);

async function run(g: (typeof goldens)[number], wrap: (b: CoreMLBackend) => Backend, voice: 'snapshot' | 'prompt' = 'snapshot') {
  const backend = await CoreMLBackend.load(createFakeCoreMLAddon(), coremlDir, { sources: FAKE_SOURCES });
  try {
    const b = wrap(backend);
    const v = await b.prefillVoice(
      voice === 'snapshot' ? { kind: 'builtin', name: 'alba' } : { kind: 'file', path: path.join(coremlDir, 'constants_bin', 'alba_audio_prompt.bin') },
    );
    const r = await runOnGolden(b, v, g);
    const voicePositions = (await backend.prefillVoice({ kind: 'builtin', name: 'alba' })).positions;
    const positionsOk = r.positionsAfterPrefill.every((p, i) => p === voicePositions + g.chunks[i].token_ids.length);
    return { d: diffs(g, r), positionsOk, r, voicePositions };
  } finally {
    await backend.dispose();
  }
}

describe('seed-bug regressions (lsd 4 references)', { skip }, () => {
  test('there are lsd 4 references', () => assert.ok(goldens.length >= 3));
  for (const g of goldens) {
    test(`${g.name}: the correct path passes (KV-snapshot voice and prompt-rows voice)`, async (t) => {
      for (const voice of ['snapshot', 'prompt'] as const) {
        const { d, positionsOk } = await run(g, (b) => b, voice);
        t.diagnostic(`correct/${voice}: ${fmt(d)}`);
        assert.ok(withinTolerance(d) && positionsOk, `${voice}: ${fmt(d)}`);
      }
    });
    for (const bug of SEED_BUGS) {
      test(`${g.name}: bug ${bug} fails the parity check`, async (t) => {
        const { d, positionsOk, r, voicePositions } = await run(g, (b) => withSeedBug(b, bug));
        t.diagnostic(`${bug}: ${fmt(d)}, positions after prefill ${r.positionsAfterPrefill.join(',')}${positionsOk ? '' : ' (wrong)'}`);
        assert.ok(!withinTolerance(d) || !positionsOk, `bug ${bug} went unnoticed: ${fmt(d)}`);
        // Each bug must move the output itself, not merely the bookkeeping.
        assert.ok(!withinTolerance(d), `bug ${bug} left the output within tolerance: ${fmt(d)}`);
        if (bug === 'zero_padded') {
          assert.equal(positionsOk, false);
          assert.deepEqual(r.positionsAfterPrefill, g.chunks.map((c) => voicePositions + Math.max(PADDED_TEXT_LENGTH, c.token_ids.length)));
        }
        if (bug === 'text_first') assert.equal(positionsOk, true, 'same position count: only the order differs');
      });
    }
  }
});
