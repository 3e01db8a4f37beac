// The engine through its real client and engine process (dist/engine-host.js): streaming, spans,
// queueing, cancel and bad input (supervision: engineSupervision.test.ts). Uses the official tiny-parity model from ../shared.
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { copyFileSync, mkdtempSync, readdirSync, rmSync, truncateSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { EngineClient, type AudioChunk } from '../../src/client/engineClient';
import { EngineError } from '../../src/shared/errors';
import type { EngineConfig, SynthesisOptions } from '../../src/shared/protocol';
import { distDir, skipUnless, tinyParityDir } from '../helpers/paths';

const skip = skipUnless(path.join(tinyParityDir, 'bundle.json'), 'tiny-parity model (../shared/models/tiny-parity)');
const entry = path.join(distDir, 'engine-host.js');
const voice = path.join(tinyParityDir, 'voice.safetensors');
const options: SynthesisOptions = { voice, temperature: 0, lsdSteps: 1, seed: 1 };
const PARAGRAPH =
  'It was a bright cold day in April, and the clocks were striking thirteen. The old man walked slowly along the river, watching the boats drift past. Children were playing in the park while their parents talked about the news.';

function client(config: Partial<EngineConfig> = {}): EngineClient {
  return new EngineClient({ config: { modelDir: tinyParityDir, backend: 'onnx', ...config }, entry });
}

async function collect(h: AsyncIterable<AudioChunk>): Promise<AudioChunk[]> {
  const out: AudioChunk[] = [];
  for await (const c of h) out.push(c);
  return out;
}

async function rejectsWith(p: Promise<unknown>, code: string): Promise<EngineError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof EngineError, `expected EngineError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    return e;
  }
  assert.fail(`expected ${code}`);
}

describe('engine client and engine process', { skip }, () => {
  const shared = client();
  after(() => shared.dispose());

  test('streams audio: first chunk is one frame and arrives before generation ends', async () => {
    const t0 = performance.now();
    const h = shared.synthesize(PARAGRAPH, options);
    let firstAt = 0;
    const chunks: AudioChunk[] = [];
    for await (const c of h) {
      if (!firstAt) firstAt = performance.now() - t0;
      chunks.push(c);
    }
    const stats = await h.done;
    const total = performance.now() - t0;
    assert.equal(chunks[0].frames, 1, 'the first frame is decoded alone for latency');
    assert.ok(chunks.length > 3, `expected several chunks, got ${chunks.length}`);
    assert.ok(firstAt < total, 'first audio before the end');
    const frames = chunks.reduce((n, c) => n + c.frames, 0);
    assert.equal(frames, stats.frames);
    for (const c of chunks) assert.equal(c.pcm.length, c.frames * 1920);
    assert.equal(chunks[0].sampleRate, 24000);
  });

  test('chunks come in order with spans that cover the text', async () => {
    const chunks = await collect(shared.synthesize(PARAGRAPH, options));
    chunks.forEach((c, i) => assert.equal(c.seq, i));
    const spans = [...new Map(chunks.map((c) => [c.textChunk, c.span])).values()];
    assert.ok(spans.length >= 2, 'several text chunks');
    for (let i = 1; i < spans.length; i++) assert.ok(spans[i].start >= spans[i - 1].end, 'spans in order, not overlapping');
    const spoken = spans.map((s) => PARAGRAPH.slice(s.start, s.end)).join(' ');
    for (const w of PARAGRAPH.split(/\s+/)) assert.ok(spoken.includes(w), `word "${w}" is in some chunk`);
  });

  test('deterministic at temperature 0; seeded noise differs by seed', async () => {
    // Mimi batch sizes follow timing, which moves samples by ~1e-7; the latents themselves are identical.
    const pcm = async (o: SynthesisOptions) => (await collect(shared.synthesize('Hello there, friend.', o))).flatMap((c) => [...c.pcm]);
    const close = (a: number[], b: number[]) => a.length === b.length && a.every((x, i) => Math.abs(x - b[i]) < 1e-5);
    assert.ok(close(await pcm(options), await pcm(options)));
    const a = await pcm({ ...options, temperature: 0.7, seed: 1 });
    const b = await pcm({ ...options, temperature: 0.7, seed: 2 });
    assert.ok(close(a, await pcm({ ...options, temperature: 0.7, seed: 1 })), 'same seed, same audio');
    assert.ok(!close(a, b), 'another seed, other audio');
  });

  test('empty, whitespace and symbol-only text give clear errors', async () => {
    await rejectsWith(shared.synthesize('', options).done, 'EMPTY_TEXT');
    await rejectsWith(shared.synthesize('  \n\t ', options).done, 'EMPTY_TEXT');
    await rejectsWith(shared.synthesize('🎉🎉 ✨ → ***', options).done, 'NOTHING_SPEAKABLE');
  });

  test('unknown voice names the voices that exist', async () => {
    const e = await rejectsWith(shared.synthesize('Hello.', { ...options, voice: 'nobody' }).done, 'UNKNOWN_VOICE');
    assert.match(e.message, /nobody/);
  });

  test('cancel mid-synthesis stops cleanly and the engine keeps serving', async () => {
    const h = shared.synthesize(PARAGRAPH, options);
    let n = 0;
    await assert.rejects(async () => {
      for await (const _ of h) if (++n === 2) h.cancel();
    }, (e: EngineError) => e.code === 'CANCELLED');
    await rejectsWith(h.done, 'CANCELLED');
    assert.ok((await collect(shared.synthesize('Still here.', options))).length > 0);
  });

  test('concurrent requests queue; cancelling a queued one drops it', async () => {
    const a = shared.synthesize('First request.', options);
    const b = shared.synthesize('Second request.', options);
    const c = shared.synthesize('Third request.', options);
    b.cancel();
    const [ra, rc] = await Promise.all([collect(a), collect(c)]);
    assert.ok(ra.length > 0 && rc.length > 0);
    await rejectsWith(b.done, 'CANCELLED');
  });

  test('1 MB of text streams lazily with flat memory, and cancels promptly', async () => {
    const big = (PARAGRAPH + '\n\n').repeat(Math.ceil(1_000_000 / (PARAGRAPH.length + 2)));
    const t0 = performance.now();
    const h = shared.synthesize(big, options);
    let n = 0;
    let firstMs = 0;
    let rssAt5 = 0;
    let rssAt40 = 0;
    const spans = new Set<number>();
    await assert.rejects(async () => {
      for await (const c of h) {
        if (!firstMs) firstMs = performance.now() - t0;
        spans.add(c.textChunk);
        n++;
        if (n === 5) rssAt5 = process.memoryUsage().rss;
        if (n === 40) {
          rssAt40 = process.memoryUsage().rss;
          h.cancel();
        }
      }
    }, (e: EngineError) => e.code === 'CANCELLED');
    // Planning is incremental: the first audio does not wait for the whole megabyte to be tokenized.
    assert.ok(firstMs < 3000, `first audio after ${firstMs.toFixed(0)} ms`);
    assert.ok(spans.size >= 3, 'several text chunks streamed');
    const growthMb = (rssAt40 - rssAt5) / 2 ** 20;
    assert.ok(growthMb < 64, `memory grew ${growthMb.toFixed(1)} MB while streaming`);
    assert.ok((await collect(shared.synthesize('After the big one.', options))).length > 0, 'the engine still serves');
  });

  test('missing model folder names the file and the fix', async () => {
    const c = client({ modelDir: path.join(tmpdir(), 'no-such-model-dir') });
    try {
      const e = await rejectsWith(c.synthesize('Hello.', options).done, 'MODEL_MISSING');
      assert.match(e.message, /bundle\.json/);
      assert.match(e.message, /Download Model/);
    } finally {
      await c.dispose();
    }
  });

  test('a truncated model file is reported as corrupt, naming it', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'pr-trunc-'));
    for (const f of readdirSync(tinyParityDir)) if (f.includes('.')) copyFileSync(path.join(tinyParityDir, f), path.join(dir, f));
    truncateSync(path.join(dir, 'flow_lm_main.onnx'), Math.floor(statSync(path.join(dir, 'flow_lm_main.onnx')).size / 2));
    const c = client({ modelDir: dir });
    try {
      const e = await rejectsWith(c.synthesize('Hello.', options).done, 'MODEL_CORRUPT');
      assert.match(e.message, /flow_lm_main\.onnx/);
    } finally {
      await c.dispose();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
