/**
 * The engine worker thread: hosts the model runtime and runs whole synthesis requests, one at a time,
 * streaming audio back as transferred buffers. Nothing here blocks the extension host.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { runWarmupThread, warmUpInThread, WARMUP_ROLE, type WarmupData } from './coremlWarmup';
import { handleCall } from './calls';
import { Engine, type RequestStats } from './engine';
import { EngineError, toErrorPayload } from '../shared/errors';
import { newStats } from './pipeline';
import type { ClientMessage, EngineConfig, SynthesisOptions, WorkerMessage } from '../shared/protocol';

const port = parentPort!;
let engine: Promise<Engine> | undefined;
let loadedConfig: EngineConfig | undefined;
type Job = { id: number; text: string; options: SynthesisOptions } | Extract<ClientMessage, { type: 'call' }>;
const queue: Job[] = [];
const cancelled = new Set<number>();
let active: { id: number; abort: AbortController } | undefined;
let draining = false;

function send(msg: WorkerMessage, transfer: ArrayBuffer[] = []): void {
  port.postMessage(msg, transfer);
}

async function load(id: number, config: EngineConfig): Promise<void> {
  const t0 = performance.now();
  loadedConfig = config;
  // CoreML warms up on a second instance of this script; progress and the switch reach the client as notes.
  engine = Engine.load(config, {
    warmUp: warmUpInThread(__filename),
    onNote: (message) => send({ type: 'progress', id, textChunk: -1, textChunks: -1, frames: 0, message }),
  });
  try {
    const e = await engine;
    send({ type: 'ready', id, backend: e.backend.name, info: e.backend.info, loadMs: performance.now() - t0, note: e.note });
  } catch (err) {
    engine = undefined;
    send({ type: 'error', id, ...toErrorPayload(err) });
  }
}

async function run(id: number, text: string, options: SynthesisOptions): Promise<void> {
  const abort = new AbortController();
  active = { id, abort };
  const stats: RequestStats = newStats();
  try {
    if (!engine) throw new EngineError('INTERNAL', 'engine not loaded');
    const e = await engine;
    let seq = 0;
    let lastProgress = 0;
    const onProgress = (p: { textChunk: number; frames: number }) => {
      const now = performance.now();
      if (now - lastProgress < 250) return;
      lastProgress = now;
      send({ type: 'progress', id, textChunk: p.textChunk, textChunks: -1, frames: p.frames });
    };
    for await (const out of e.synthesize(text, options, abort.signal, onProgress, stats)) {
      const pcm = out.pcm.buffer.byteLength === out.pcm.byteLength ? out.pcm : out.pcm.slice();
      send(
        {
          type: 'chunk', id, seq: seq++, pcm, sampleRate: stats.backend!.info.sampleRate,
          span: { start: out.start, end: out.end }, textChunk: out.textChunk, frames: out.frames, words: out.words,
        },
        [pcm.buffer as ArrayBuffer],
      );
    }
    // The backend that served this request (a CoreML swap may follow right after it).
    const backend = stats.backend ?? e.backend;
    const info = backend.info;
    const audioSeconds = (stats.frames * info.samplesPerFrame) / info.sampleRate;
    const decode = (backend as { decodeTimings?: { ms: number; frames: number } }).decodeTimings;
    const perFrame = (ms: number) => (stats.frames ? ms / stats.frames : 0);
    send({
      type: 'done', id,
      stats: {
        frames: stats.frames, audioSeconds, wallMs: stats.wallMs, firstAudioMs: stats.firstAudioMs,
        realTimeFactor: stats.wallMs > 0 ? audioSeconds / (stats.wallMs / 1000) : 0,
        backboneMs: perFrame(stats.backboneMs), flowMs: perFrame(stats.flowMs),
        decodeMs: decode && decode.frames ? decode.ms / decode.frames : 0,
        backend: backend.name,
      },
    });
  } catch (err) {
    send({ type: 'error', id, ...toErrorPayload(err) });
  } finally {
    active = undefined;
  }
}

/** One-shot calls share the queue with synthesis: both run the model on this thread. */
async function runCall(job: Extract<ClientMessage, { type: 'call' }>): Promise<void> {
  try {
    if (!engine) throw new EngineError('INTERNAL', 'engine not loaded');
    send({ type: 'result', id: job.id, value: await handleCall(await engine, job) });
  } catch (err) {
    send({ type: 'error', id: job.id, ...toErrorPayload(err) });
  }
}

async function drain(): Promise<void> {
  if (draining) return;
  draining = true;
  try {
    for (let job = queue.shift(); job; job = queue.shift()) {
      if (cancelled.delete(job.id)) continue;
      if ('method' in job) await runCall(job);
      else await run(job.id, job.text, job.options);
    }
  } finally {
    draining = false;
  }
}

/**
 * A fault in this thread must not take the extension host down. Terminating a thread while onnxruntime
 * runs aborts the whole process, so instead of dying mid-run the worker releases its sessions (and its
 * decoder thread) and exits on its own; the client sees the exit and starts a fresh worker next time.
 */
let crashing = false;
function onUncaught(err: Error): void {
  if (crashing) return;
  crashing = true;
  if (active) send({ type: 'error', id: active.id, code: 'WORKER_CRASHED', message: `the engine worker crashed (${err.message}); it will restart on the next request` });
  active?.abort.abort();
  void (engine ?? Promise.reject(new Error('none')))
    .then((e) => e.dispose())
    .catch(() => undefined)
    .finally(() => process.exit(70));
}

function onMessage(msg: ClientMessage): void {
  switch (msg.type) {
    case 'simulateCrash':
      // Fault injection for the supervisor tests: an uncaught exception in the middle of a request.
      setTimeout(() => {
        throw new Error('simulated crash');
      }, msg.afterMs);
      return;
    case 'load':
      if (engine && JSON.stringify(loadedConfig) === JSON.stringify(msg.config)) {
        void engine.then(
          (e) => send({ type: 'ready', id: msg.id, backend: e.backend.name, info: e.backend.info, loadMs: 0, note: e.note }),
          (err) => send({ type: 'error', id: msg.id, ...toErrorPayload(err) }),
        );
      } else void load(msg.id, msg.config);
      return;
    case 'synthesize':
      queue.push({ id: msg.id, text: msg.text, options: msg.options });
      void drain();
      return;
    case 'call':
      queue.push(msg);
      void drain();
      return;
    case 'cancel':
      if (active?.id === msg.id) active.abort.abort();
      else if (queue.some((j) => j.id === msg.id)) {
        cancelled.add(msg.id);
        send({ type: 'error', id: msg.id, code: 'CANCELLED', message: 'synthesis cancelled' });
      }
      return;
    case 'dispose':
      active?.abort.abort();
      queue.length = 0;
      // Sessions must be released before the thread ends, or onnxruntime aborts the process.
      void (engine ?? Promise.reject(new Error('none')))
        .then((e) => e.dispose())
        .catch(() => undefined)
        .finally(() => port.close());
      return;
  }
}

if ((workerData as WarmupData | undefined)?.role === WARMUP_ROLE) void runWarmupThread(port, workerData as WarmupData);
else {
  process.on('uncaughtException', onUncaught);
  port.on('message', onMessage);
}
