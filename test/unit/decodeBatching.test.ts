// Mimi batching follows playback: the first frame is decoded alone; once the audio handed out is far ahead of real
// time, Mimi waits for full 4-frame batches (about half the CPU per frame); while generation is slower than real
// time nothing waits.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import path from 'node:path';
import type { Backend } from '../../src/engine/backend';
import { OnnxBackend } from '../../src/engine/backends/onnx';
import { resolveOnnxFiles } from '../../src/engine/modelFiles';
import { generate } from '../../src/engine/pipeline';
import { skipUnless, tinyModelDir } from '../helpers/paths';

const skip = skipUnless(path.join(tinyModelDir, 'bundle.json'), 'generated tiny model');

async function batches(stepDelayMs: number, frames: number): Promise<number[]> {
  const backend = await OnnxBackend.load(resolveOnnxFiles(tinyModelDir), { decoderThread: false });
  try {
    // A slower machine, as far as the pipeline can tell: each backbone step takes stepDelayMs longer.
    const slowed: Backend = Object.create(backend, {
      step: { value: async (...a: Parameters<Backend['step']>) => (await new Promise((r) => setTimeout(r, stepDelayMs)), backend.step(...a)) },
    });
    const voice = await backend.prefillVoice({ kind: 'builtin', name: 'alba' });
    const sizes: number[] = [];
    const chunk = { tokenIds: [10, 11, 12, 13], start: 0, end: 1, framesAfterEos: 2 };
    for await (const out of generate(slowed, voice, [chunk], { temperature: 0, lsdSteps: 1, seed: 1, maxFrames: frames, ignoreEos: true })) {
      sizes.push(out.frames);
    }
    return sizes;
  } finally {
    await backend.dispose();
  }
}

test('far ahead of playback, Mimi decodes full batches of 4 after the first frame alone', { skip }, async () => {
  const sizes = await batches(0, 80);
  assert.equal(sizes[0], 1);
  assert.equal(sizes.reduce((a, b) => a + b, 0), 80);
  assert.ok(sizes.every((n) => n <= 4), `batches ${sizes}`);
  // Once ahead (640 ms of audio beyond real time), every batch but the last is full.
  const full = sizes.indexOf(4);
  assert.ok(full > 0 && full < 30, `batches ${sizes}`);
  assert.ok(sizes.slice(full, -1).every((n) => n === 4), `batches ${sizes}`);
});

test('slower than real time, nothing waits for a batch', { skip }, async () => {
  const sizes = await batches(100, 12);
  assert.equal(sizes.reduce((a, b) => a + b, 0), 12);
  assert.ok(sizes.every((n) => n === 1), `batches ${sizes}`);
});

test('the backbone keeps stepping while a decode runs: nothing waits for a decode that has not finished', { skip }, async () => {
  const backend = await OnnxBackend.load(resolveOnnxFiles(tinyModelDir), { decoderThread: false });
  try {
    let steps = 0;
    const stepsWhenSent: number[] = [];
    // A slow decoder thread, as far as the pipeline can tell: every decode takes 100 ms more.
    const slowDecoder: Backend = Object.create(backend, {
      step: { value: (...a: Parameters<Backend['step']>) => (steps++, backend.step(...a)) },
      decode: { value: async (...a: Parameters<Backend['decode']>) => (stepsWhenSent.push(steps), await new Promise((r) => setTimeout(r, 100)), backend.decode(...a)) },
    });
    const voice = await backend.prefillVoice({ kind: 'builtin', name: 'alba' });
    const chunk = { tokenIds: [10, 11, 12, 13], start: 0, end: 1, framesAfterEos: 2 };
    const stepsDuring: number[] = [];
    let delivered = 0;
    for await (const out of generate(slowDecoder, voice, [chunk], { temperature: 0, lsdSteps: 1, seed: 1, maxFrames: 40, ignoreEos: true })) {
      if (out.frames === 0) continue; // a chunk-end marker, not a decode
      // Steps taken while this decode ran (decodes sent near the end have fewer steps left to overlap).
      if (delivered > 0 && stepsWhenSent[delivered]! <= 40 - 3) stepsDuring.push(steps - stepsWhenSent[delivered]!);
      delivered++;
    }
    // A pipeline that awaited each decode would step once (or not at all) per 100 ms decode; a tiny step takes ~1 ms.
    assert.ok(stepsDuring.length > 0 && stepsDuring.every((n) => n >= 3), `steps while each decode ran: ${stepsDuring}`);
  } finally {
    await backend.dispose();
  }
});
