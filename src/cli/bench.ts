/**
 * `npm run bench`: speed of the real product path (client → worker → pipeline → backend) on a model set,
 * by default the full-size random-weight model, which costs exactly what the real weights cost.
 * Prints real-time factor, time to first audio (cold and warm worker), per-stage ms per frame, peak RSS,
 * the time to make a voice from a recording (when the set has the voice encoder), and a 1024³ MatMul measured in
 * the same run as the yardstick.
 */
import * as ort from 'onnxruntime-node';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { encodeWav } from '../audio/wav';
import { EngineClient } from '../client/engineClient';
import { resolveOnnxFiles } from '../engine/modelFiles';
import { timestampHeads } from '../engine/timestampHeads';
import type { ChunkStats, EngineConfig, SynthesisOptions } from '../shared/protocol';
import { matmulModel } from './matmulModel';
import { measureTapCost } from './tapCost';

const TEXT = 'The quick brown fox jumps over the lazy dog, and then it runs far away into the forest.';

async function matmulMs(threads: number, iters = 15): Promise<number> {
  const s = await ort.InferenceSession.create(matmulModel(), { intraOpNumThreads: threads });
  const n = 1024;
  const feeds = {
    A: new ort.Tensor('float32', new Float32Array(n * n).map(Math.random), [n, n]),
    B: new ort.Tensor('float32', new Float32Array(n * n).map(Math.random), [n, n]),
  };
  await s.run(feeds);
  const times: number[] = [];
  for (let i = 0; i < iters; i++) {
    const t = performance.now();
    await s.run(feeds);
    times.push(performance.now() - t);
  }
  await s.release();
  return median(times);
}

function pct(part: number, whole: number): string {
  return `${part >= 0 ? '+' : ''}${((100 * part) / whole).toFixed(1)} %`;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1];
}

async function drain(client: EngineClient, text: string, options: SynthesisOptions): Promise<{ stats: ChunkStats; firstChunkMs: number }> {
  const t0 = performance.now();
  let firstChunkMs = 0;
  const h = client.synthesize(text, options);
  for await (const _ of h) if (!firstChunkMs) firstChunkMs = performance.now() - t0;
  return { stats: await h.done, firstChunkMs };
}

/** One voice made from `seconds` of a 44.1 kHz tone (resampled, encoded, prefilled) by the engine already loaded. */
async function cloneMs(client: EngineClient, seconds: number): Promise<{ ms: number; positions: number; seconds: number }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'pr-bench-'));
  try {
    const rate = 44100;
    const pcm = Float32Array.from({ length: seconds * rate }, (_, i) => 0.3 * Math.sin((2 * Math.PI * 180 * i) / rate) * (0.6 + 0.4 * Math.sin((2 * Math.PI * 3 * i) / rate)));
    const recording = path.join(dir, 'recording.wav');
    writeFileSync(recording, encodeWav(pcm, rate));
    const t = performance.now();
    const r = await client.call('cloneVoice', { recording });
    return { ms: performance.now() - t, positions: r.positions, seconds: r.seconds };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'model-dir': { type: 'string' },
      voice: { type: 'string' },
      frames: { type: 'string', default: '125' },
      runs: { type: 'string', default: '3' },
      threads: { type: 'string', default: '1' },
      'no-decoder-thread': { type: 'boolean', default: false },
      'lsd-steps': { type: 'string', default: '1' },
      'clone-seconds': { type: 'string', default: '30' },
    },
  });
  const root = path.resolve(__dirname, '..');
  const modelDir = path.resolve(values['model-dir'] ?? path.join(root, 'models', 'generated', 'full'));
  if (!existsSync(path.join(modelDir, 'bundle.json'))) {
    console.error(`No model set at ${modelDir}. Generate the full-size random-weight model with \`npm run models:full\`, or pass --model-dir.`);
    process.exit(2);
  }
  const frames = Number(values.frames);
  const config: EngineConfig = {
    modelDir,
    backend: 'onnx',
    threads: Number(values.threads),
    decoderThread: !values['no-decoder-thread'],
  };
  const options: SynthesisOptions = {
    voice: values.voice ?? 'alba',
    temperature: 0.3,
    lsdSteps: Number(values['lsd-steps']),
    seed: 42,
    maxFrames: frames,
    ignoreEos: true,
  };

  const yardstickBefore = await matmulMs(1);
  const client = new EngineClient({ config });
  const tCold = performance.now();
  const cold = await drain(client, TEXT, options);
  const coldTotal = performance.now() - tCold;
  const warm: { stats: ChunkStats; firstChunkMs: number }[] = [];
  for (let i = 0; i < Number(values.runs); i++) warm.push(await drain(client, TEXT, options));
  const clone = existsSync(path.join(modelDir, 'mimi_encoder.onnx')) ? await cloneMs(client, Number(values['clone-seconds'])) : undefined;
  await client.dispose();
  const files = resolveOnnxFiles(modelDir);
  const taps = timestampHeads(files.bundle);
  const tapCost = taps.length > 0 ? await measureTapCost(files, taps, TEXT, options.voice) : undefined;
  const yardstickAfter = await matmulMs(1);

  const pick = (f: (r: { stats: ChunkStats; firstChunkMs: number }) => number) => median(warm.map(f));
  const audioSeconds = (frames * 1920) / 24000;
  const rows: [string, string][] = [
    ['model', modelDir],
    ['frames per run (EOS off)', `${frames} (${audioSeconds.toFixed(1)} s of audio), ${warm.length} warm runs, median`],
    ['real-time factor (audio s / wall s)', `${pick((r) => r.stats.realTimeFactor).toFixed(2)}×`],
    ['first audio, warm worker', `${pick((r) => r.firstChunkMs).toFixed(0)} ms`],
    ['first audio, cold worker (incl. model load)', `${cold.firstChunkMs.toFixed(0)} ms (whole cold run ${(coldTotal / 1000).toFixed(1)} s)`],
    ['backbone per frame', `${pick((r) => r.stats.backboneMs).toFixed(1)} ms`],
    ['flow head per frame', `${pick((r) => r.stats.flowMs).toFixed(1)} ms (${options.lsdSteps} LSD step${options.lsdSteps > 1 ? 's' : ''})`],
    ['Mimi decode per frame', `${pick((r) => r.stats.decodeMs).toFixed(1)} ms (${config.decoderThread ? 'own thread, overlapped' : 'inline'})`],
    ...(tapCost
      ? ([
          ['word timing: backbone step', `${tapCost.tappedStepMs.toFixed(2)} ms with attention taps, ${tapCost.plainStepMs.toFixed(2)} ms without (${pct(tapCost.tappedStepMs - tapCost.plainStepMs, tapCost.plainStepMs)}; CPU time, interleaved, median)`],
          ['word timing: alignment per frame', `${tapCost.alignMsPerFrame.toFixed(3)} ms CPU (${pct(tapCost.alignMsPerFrame, tapCost.plainStepMs)} of a step)`],
        ] as [string, string][])
      : [['word timing', `off: no timestamp heads for bundle ${files.bundle.bundle_name}`] as [string, string]]),
    ['process peak RSS', `${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`],
    ['voice from a recording', clone ? `${clone.seconds} s of 44.1 kHz audio → ${clone.positions} positions in ${clone.ms.toFixed(0)} ms` : 'no mimi_encoder.onnx in the set'],
    ['yardstick 1024³ fp32 MatMul, 1 thread', `${yardstickBefore.toFixed(1)} ms before, ${yardstickAfter.toFixed(1)} ms after`],
  ];
  const w = Math.max(...rows.map((r) => r[0].length));
  for (const [k, v] of rows) console.log(`${k.padEnd(w)}  ${v}`);
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
