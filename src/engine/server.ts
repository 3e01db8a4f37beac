/**
 * The engine's request loop, the same whichever way it is hosted (a child process, or a thread where a child cannot
 * load the runtime): loads the model, runs one request at a time, streams audio back, answers pings. A fault ends the
 * engine instead of leaving it half-alive; the client notices, starts a fresh one and resumes the request.
 */
import { handleCall } from './calls';
import { warmUpInThread } from './coremlWarmup';
import { encodeInThread } from './voiceEncoderThread';
import { Engine, type RequestStats } from './engine';
import { newStats } from './pipeline';
import { startUsage } from './usage';
import { EngineError, toErrorPayload } from '../shared/errors';
import type { ClientMessage, EngineConfig, EngineMessage } from '../shared/protocol';

/** How the engine talks to its client and ends itself. */
export interface EnginePort {
  send(msg: EngineMessage, transfer?: ArrayBuffer[]): void;
  onMessage(listener: (msg: ClientMessage) => void): void;
  /** Ends the engine (the process, or the thread) with this code. */
  exit(code: number): void;
}

type Job = Extract<ClientMessage, { type: 'synthesize' | 'call' | 'load' }>;

/** Exit code of an engine that ended itself after a fault (the client restarts it). */
export const CRASH_EXIT_CODE = 70;

export function serveEngine(port: EnginePort, script: string): { shutdown(code: number, graceMs?: number): Promise<void> } {
  let engine: Promise<Engine> | undefined;
  let loadedConfig: EngineConfig | undefined;
  const queue: Job[] = [];
  const cancelled = new Set<number>();
  let active: { id: number; abort: AbortController } | undefined;
  let draining = false;
  let ending = false;
  const send = (msg: EngineMessage, transfer?: ArrayBuffer[]) => {
    if (!ending) port.send(msg, transfer);
  };

  /** Queued behind running requests; one model in memory at a time, so the previous one is released first. */
  async function load(id: number, config: EngineConfig): Promise<void> {
    const t0 = performance.now();
    if (engine && JSON.stringify(loadedConfig) === JSON.stringify(config)) return sendReady(id, engine, 0);
    const previous = engine;
    engine = undefined;
    await previous?.then((e) => e.dispose()).catch(() => undefined);
    loadedConfig = config;
    // CoreML warms up on a second instance of this script; progress and the switch reach the client as notes.
    engine = Engine.load(config, {
      warmUp: warmUpInThread(script),
      encodeVoice: encodeInThread(script),
      onNote: (message) => send({ type: 'progress', id, textChunk: -1, textChunks: -1, frames: 0, message }),
    });
    const loading = engine;
    await sendReady(id, loading, t0);
    if (engine === loading) await loading.catch(() => (engine = undefined));
  }

  /** `ready` (or the load's error) for load request `id`; `t0` = 0 for a model that was already loaded. */
  async function sendReady(id: number, loading: Promise<Engine>, t0: number): Promise<void> {
    try {
      const e = await loading;
      send({ type: 'ready', id, backend: e.backend.name, info: e.backend.info, loadMs: t0 ? performance.now() - t0 : 0, note: e.note });
    } catch (err) {
      send({ type: 'error', id, ...toErrorPayload(err) });
    }
  }

  async function synthesize(job: Extract<Job, { type: 'synthesize' }>): Promise<void> {
    const { id, text, options, resume } = job;
    const abort = new AbortController();
    active = { id, abort };
    const stats: RequestStats = newStats();
    const usage = startUsage();
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
      for await (const out of e.synthesize(text, options, abort.signal, onProgress, stats, resume)) {
        const pcm = out.pcm.buffer.byteLength === out.pcm.byteLength ? out.pcm : out.pcm.slice();
        send(
          {
            type: 'chunk', id, seq: seq++, pcm, sampleRate: stats.backend!.info.sampleRate, span: { start: out.start, end: out.end },
            textChunk: out.textChunk, frames: out.frames, chunkEnd: out.chunkEnd, words: out.words,
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
          ...usage(),
          backend: backend.name,
        },
      });
    } catch (err) {
      // A broken runtime (its decoder thread died) is an engine fault, not a request error: end and be restarted.
      if (err instanceof EngineError && err.code === 'ENGINE_FAILED') return crash(err);
      send({ type: 'error', id, ...toErrorPayload(err) });
    } finally {
      active = undefined;
    }
  }

  /** One-shot calls share the queue with synthesis: both run the model on this thread. */
  async function call(job: Extract<Job, { type: 'call' }>): Promise<void> {
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
      for (let job = queue.shift(); job && !ending; job = queue.shift()) {
        if (cancelled.delete(job.id)) continue;
        if (job.type === 'call') await call(job);
        else if (job.type === 'load') await load(job.id, job.config);
        else await synthesize(job);
      }
    } finally {
      draining = false;
    }
  }

  /**
   * Releases the runtime (sessions, decoder thread) before ending: a thread ended inside onnxruntime aborts. Bounded by
   * `graceMs`: an orphaned engine must be gone quickly, whatever state its runtime is in.
   */
  async function shutdown(code: number, graceMs = 1500): Promise<void> {
    if (ending) return;
    ending = true;
    active?.abort.abort();
    queue.length = 0;
    const released = (engine ?? Promise.reject(new Error('none'))).then((e) => e.dispose()).catch(() => undefined);
    await Promise.race([released, new Promise((r) => setTimeout(r, graceMs).unref())]);
    port.exit(code);
  }

  function crash(err: unknown): void {
    if (ending) return; // e.g. writes failing while an orphan shuts down: report once, never loop
    process.stderr.write(`engine fault: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    void shutdown(CRASH_EXIT_CODE);
  }

  process.on('uncaughtException', crash);
  // Output to a client that is gone fails with EPIPE; that is the orphan check's business, not a fault.
  for (const stream of [process.stdout, process.stderr]) stream.on('error', () => undefined);
  port.onMessage((msg) => {
    switch (msg.type) {
      case 'ping':
        send({ type: 'pong', n: msg.n });
        return;
      case 'simulateCrash':
        // Fault injection for the supervisor tests: an uncaught exception in the middle of a request.
        setTimeout(() => {
          throw new Error('simulated crash');
        }, msg.afterMs);
        return;
      case 'load':
        if (engine && JSON.stringify(loadedConfig) === JSON.stringify(msg.config)) {
          void sendReady(msg.id, engine, 0);
          return;
        }
        queue.push(msg);
        void drain();
        return;
      case 'synthesize':
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
        void shutdown(0);
        return;
    }
  });
  return { shutdown };
}
