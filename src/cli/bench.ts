/**
 * `npm run bench`: speed of the real product path (client → engine → pipeline → backend) on the full-size
 * random-weight model sets (`npm run models:full`), which cost exactly what the real weights cost.
 *
 * Each precision runs in a process of its own (so peak memory is that precision's): cold starts first (a fresh
 * engine client each: engine start + model load + first frame), then warm runs on the last client. CPU time and
 * peak RSS are measured inside the engine and read from each request's stats (peak RSS before the voice is made). The
 * time to make a voice from a recording is taken last, when the set has the voice encoder, then the CPU cost of word
 * timing (tapCost.ts) when the bundle has timestamp heads. A 1024³ MatMul is timed
 * before and after in this process as a yardstick; it is printed, never used to normalise (bimodal on these VMs).
 */
import * as ort from 'onnxruntime-node';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { encodeWav } from '../audio/wav';
import { EngineClient } from '../client/engineClient';
import { resolveOnnxFiles } from '../engine/modelFiles';
import { timestampHeads } from '../engine/timestampHeads';
import type { ChunkStats, EngineConfig, SynthesisOptions } from '../shared/protocol';
import { matmulModel } from './matmulModel';
import { measureTapCost, type TapCost } from './tapCost';

const TEXT = 'The quick brown fox jumps over the lazy dog, and then it runs far away into the forest.';
const USAGE = `usage: npm run bench -- [options]
  --precision P       fp32 | int8 | both (default both): models/generated/full and models/generated/full-int8
  --model-dir DIR     measure this model set instead (its precision is what its graphs are)
  --runs N            warm runs per precision (default 5)
  --cold-runs N       cold starts per precision (default 3)
  --frames N          frames per run, EOS off (default 125 = 10 s of audio)
  --threads N         backbone threads (default 0 = automatic)
  --lsd-steps N       flow-head steps per frame (default 1)
  --no-decoder-thread decode Mimi inline instead of on its own thread
  --clone-seconds N   length of the recording a voice is made from (default 30)
  --json              also print one JSON line per precision`;

type Precision = 'fp32' | 'int8';

interface Measured {
  precision: Precision;
  modelDir: string;
  frames: number;
  audioSeconds: number;
  runs: number;
  coldRuns: number;
  realTimeFactor: Spread;
  firstAudioMs: Spread;
  cpuMsPerAudioSecond: Spread;
  coldFirstAudioMs: Spread;
  peakRssMb: number;
  backboneMs: number;
  flowMs: number;
  decodeMs: number;
  /** Making a voice from a recording, when the set has the voice encoder. */
  clone?: { ms: number; positions: number; seconds: number };
  /** What word timing costs per frame (CPU time), when the bundle has timestamp heads. */
  tapCost?: TapCost;
}

interface Spread {
  min: number;
  median: number;
  max: number;
}

function spread(xs: number[]): Spread {
  const s = [...xs].sort((a, b) => a - b);
  return { min: s[0], median: s[s.length >> 1], max: s[s.length - 1] };
}

async function matmulMs(iters = 15): Promise<number> {
  const s = await ort.InferenceSession.create(matmulModel(), { intraOpNumThreads: 1 });
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
  return spread(times).median;
}

function pct(part: number, whole: number): string {
  return `${part >= 0 ? '+' : ''}${((100 * part) / whole).toFixed(1)} %`;
}

/** Runs one request; `t0` is when the caller started (for cold runs: before the client existed). */
async function drain(client: EngineClient, options: SynthesisOptions, t0 = performance.now()): Promise<{ stats: ChunkStats; firstChunkMs: number }> {
  let firstChunkMs = 0;
  const h = client.synthesize(TEXT, options);
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

/** One precision, in this process: cold starts, then warm runs on the last client. */
async function measure(precision: Precision, modelDir: string, args: { runs: number; coldRuns: number; frames: number; threads: number; decoderThread: boolean; lsdSteps: number; cloneSeconds: number }): Promise<Measured> {
  const config: EngineConfig = { modelDir, backend: 'onnx', threads: args.threads, decoderThread: args.decoderThread };
  const options: SynthesisOptions = { voice: 'alba', temperature: 0.3, lsdSteps: args.lsdSteps, seed: 42, maxFrames: args.frames, ignoreEos: true };
  const cold: number[] = [];
  let client: EngineClient | undefined;
  for (let i = 0; i < args.coldRuns; i++) {
    await client?.dispose();
    const t0 = performance.now();
    client = new EngineClient({ config });
    cold.push((await drain(client, options, t0)).firstChunkMs);
  }
  client ??= new EngineClient({ config });
  const warm: { stats: ChunkStats; firstChunkMs: number }[] = [];
  for (let i = 0; i < args.runs; i++) warm.push(await drain(client, options));
  const clone = existsSync(path.join(modelDir, 'mimi_encoder.onnx')) ? await cloneMs(client, args.cloneSeconds) : undefined;
  await client.dispose();
  const files = resolveOnnxFiles(modelDir);
  const taps = timestampHeads(files.bundle);
  const tapCost = taps.length > 0 ? await measureTapCost(files, taps, TEXT, options.voice) : undefined;
  const audioSeconds = warm[0]?.stats.audioSeconds ?? 0;
  const median = (f: (s: ChunkStats) => number) => spread(warm.map((r) => f(r.stats))).median;
  return {
    precision,
    modelDir,
    frames: args.frames,
    audioSeconds,
    runs: warm.length,
    coldRuns: cold.length,
    realTimeFactor: spread(warm.map((r) => r.stats.realTimeFactor)),
    firstAudioMs: spread(warm.map((r) => r.firstChunkMs)),
    cpuMsPerAudioSecond: spread(warm.map((r) => r.stats.cpuMs / r.stats.audioSeconds)),
    coldFirstAudioMs: spread(cold.length ? cold : [NaN]),
    peakRssMb: Math.max(...warm.map((r) => r.stats.peakRssMb)),
    backboneMs: median((s) => s.backboneMs),
    flowMs: median((s) => s.flowMs),
    decodeMs: median((s) => s.decodeMs),
    clone,
    tapCost,
  };
}

function precisionOf(modelDir: string): Precision {
  return path.basename(resolveOnnxFiles(modelDir).flowLmMain).includes('_int8') ? 'int8' : 'fp32';
}

function table(results: Measured[], yardstick: [number, number], load: [number, number], lsdSteps: number, decoderThread: boolean): string {
  const r0 = results[0];
  const fmt = (s: Spread, digits: number, unit: string) => `${s.min.toFixed(digits)} / ${s.median.toFixed(digits)} / ${s.max.toFixed(digits)}${unit}`;
  const rows: [string, (m: Measured) => string][] = [
    ['real-time factor (audio s / wall s)', (m) => fmt(m.realTimeFactor, 2, '×')],
    ['first audio, warm', (m) => fmt(m.firstAudioMs, 0, ' ms')],
    ['CPU ms per audio second (all threads)', (m) => fmt(m.cpuMsPerAudioSecond, 0, '')],
    ['first audio, cold (start + load)', (m) => fmt(m.coldFirstAudioMs, 0, ' ms')],
    ['peak RSS of the engine process', (m) => `${m.peakRssMb.toFixed(0)} MiB`],
    [`backbone / flow (${lsdSteps} LSD) / Mimi per frame`, (m) => `${m.backboneMs.toFixed(1)} / ${m.flowMs.toFixed(1)} / ${m.decodeMs.toFixed(1)} ms`],
    ['word timing: backbone step, CPU', (m) => (m.tapCost ? `${m.tapCost.tappedStepMs.toFixed(2)} ms tapped, ${m.tapCost.plainStepMs.toFixed(2)} ms not (${pct(m.tapCost.tappedStepMs - m.tapCost.plainStepMs, m.tapCost.plainStepMs)})` : 'no timestamp heads')],
    ['word timing: alignment per frame, CPU', (m) => (m.tapCost ? `${m.tapCost.alignMsPerFrame.toFixed(3)} ms` : '—')],
    ['voice from a recording (44.1 kHz)', (m) => (m.clone ? `${m.clone.seconds} s → ${m.clone.positions} positions in ${m.clone.ms.toFixed(0)} ms` : 'no voice encoder')],
  ];
  const lines = [
    ...results.map((m) => `${m.precision} set: ${m.modelDir}`),
    `${r0.frames} frames (${r0.audioSeconds.toFixed(1)} s of audio) per run, EOS off, ${r0.runs} warm runs, ${r0.coldRuns} cold start(s); min / median / max; Mimi ${decoderThread ? 'on its own thread' : 'inline'}`,
  ];
  const w = Math.max(...rows.map((r) => r[0].length));
  const cols = results.map((m) => rows.map(([, f]) => f(m)));
  const cw = cols.map((c) => Math.max(...c.map((x) => x.length)));
  lines.push(`${''.padEnd(w)}  ${results.map((r, i) => r.precision.padEnd(cw[i])).join('   ')}`);
  rows.forEach(([label], j) => lines.push(`${label.padEnd(w)}  ${cols.map((c, i) => c[j].padEnd(cw[i])).join('   ')}`));
  lines.push(`${'yardstick 1024³ fp32 MatMul, 1 thread'.padEnd(w)}  ${yardstick[0].toFixed(1)} ms before, ${yardstick[1].toFixed(1)} ms after (not used to normalise)`);
  lines.push(`${'load average (1 min)'.padEnd(w)}  ${load[0].toFixed(2)} before, ${load[1].toFixed(2)} after`);
  return lines.map((l) => l.trimEnd()).join('\n');
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      precision: { type: 'string', default: 'both' },
      'model-dir': { type: 'string' },
      runs: { type: 'string', default: '5' },
      'cold-runs': { type: 'string', default: '3' },
      frames: { type: 'string', default: '125' },
      threads: { type: 'string', default: '0' },
      'lsd-steps': { type: 'string', default: '1' },
      'clone-seconds': { type: 'string', default: '30' },
      'no-decoder-thread': { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      child: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return (console.log(USAGE), 0);
  const args = {
    runs: Number(values.runs),
    coldRuns: Number(values['cold-runs']),
    frames: Number(values.frames),
    threads: Number(values.threads),
    decoderThread: !values['no-decoder-thread'],
    lsdSteps: Number(values['lsd-steps']),
    cloneSeconds: Number(values['clone-seconds']),
  };
  if (![args.runs, args.coldRuns, args.frames, args.threads, args.lsdSteps, args.cloneSeconds].every((n) => Number.isInteger(n) && n >= 0) || args.runs < 1) {
    console.error(`Pocket Reader: bench options must be whole numbers (--runs at least 1).\n${USAGE}`);
    return 2;
  }
  if (values.child) {
    // The child's one line of output is read by the parent.
    console.log(JSON.stringify(await measure(precisionOf(values.child), values.child, args)));
    return 0;
  }
  const generated = path.resolve(__dirname, '..', 'models', 'generated');
  const sets: string[] = values['model-dir']
    ? [path.resolve(values['model-dir'])]
    : { fp32: ['full'], int8: ['full-int8'], both: ['full', 'full-int8'] }[values.precision as 'both']?.map((d) => path.join(generated, d)) ?? [];
  if (sets.length === 0) {
    console.error(`Pocket Reader: --precision must be fp32, int8 or both (got ${values.precision}).`);
    return 2;
  }
  const missing = sets.filter((d) => !existsSync(path.join(d, 'bundle.json')));
  if (missing.length) {
    console.error(`Pocket Reader: no model set at ${missing.join(', ')}. Generate the full-size random-weight sets (fp32 and INT8) with \`npm run models:full\`, or pass --model-dir.`);
    return 2;
  }
  const load0 = loadavg()[0];
  const before = await matmulMs();
  const results: Measured[] = [];
  for (const dir of sets) {
    const child = spawnSync(process.execPath, [__filename, '--child', dir, ...process.argv.slice(2).filter((a) => a !== '--json')], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
      maxBuffer: 1 << 20,
    });
    const line = child.stdout.trim().split('\n').pop() ?? '';
    if (child.status !== 0 || !line.startsWith('{')) {
      console.error(`Pocket Reader: the benchmark of ${dir} failed (exit ${child.status}).`);
      return 1;
    }
    results.push(JSON.parse(line) as Measured);
  }
  const after = await matmulMs();
  console.log(table(results, [before, after], [load0, loadavg()[0]], args.lsdSteps, args.decoderThread));
  if (values.json) for (const r of results) console.log(JSON.stringify(r));
  return 0;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(`Pocket Reader: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  },
);
