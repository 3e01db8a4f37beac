/**
 * The engine as seen from the extension host or the CLI: starts the worker lazily on first use, gives
 * each request an id and an async stream of audio chunks, cancels, and survives worker crashes — the
 * in-flight requests fail with WORKER_CRASHED and the next request gets a fresh worker.
 */
import { Worker } from 'node:worker_threads';
import path from 'node:path';
import { Channel } from './channel';
import { EngineError, type ErrorCode } from '../shared/errors';
import type { AudioChunk, ChunkStats, ClientMessage, EngineCalls, EngineConfig, EngineMethod, ModelInfo, SynthesisOptions, WorkerMessage } from '../shared/protocol';

export type { AudioChunk };

export interface ReadyInfo {
  backend: 'onnx' | 'coreml';
  info: ModelInfo;
  loadMs: number;
  note?: string;
}

export interface SynthesisHandle extends AsyncIterable<AudioChunk> {
  readonly id: number;
  /** Resolves with timing stats when all audio has been delivered; rejects with an EngineError. */
  readonly done: Promise<ChunkStats>;
  cancel(): void;
}

export interface EngineClientOptions {
  config: EngineConfig;
  /** Bundled worker script; defaults to engine-worker.js next to this bundle. */
  workerPath?: string;
  onProgress?: (id: number, p: { textChunk: number; frames: number }) => void;
  log?: (line: string) => void;
}

interface Pending {
  channel: Channel<AudioChunk>;
  resolve: (s: ChunkStats) => void;
  reject: (e: Error) => void;
}

export class EngineClient {
  private worker: Worker | undefined;
  private ready: Promise<ReadyInfo> | undefined;
  private readyWaiters = new Map<number, { resolve: (r: ReadyInfo) => void; reject: (e: Error) => void }>();
  private readonly requests = new Map<number, Pending>();
  private readonly calls = new Map<number, { resolve: (v: never) => void; reject: (e: Error) => void }>();
  private nextId = 1;
  private config: EngineConfig;

  constructor(private readonly opts: EngineClientOptions) {
    this.config = opts.config;
  }

  /** Applies a new configuration; the worker reloads the engine on its next request if anything changed. */
  configure(config: EngineConfig): void {
    if (JSON.stringify(config) === JSON.stringify(this.config)) return;
    this.config = config;
    this.ready = undefined;
  }

  get running(): boolean {
    return this.worker !== undefined;
  }

  /** Starts the worker and loads the model if needed. */
  ensureLoaded(): Promise<ReadyInfo> {
    if (!this.ready) {
      const worker = this.spawn();
      const id = this.nextId++;
      this.ready = new Promise<ReadyInfo>((resolve, reject) => this.readyWaiters.set(id, { resolve, reject }));
      this.ready.catch(() => (this.ready = undefined));
      this.post(worker, { type: 'load', id, config: this.config });
    }
    return this.ready;
  }

  synthesize(text: string, options: SynthesisOptions): SynthesisHandle {
    const id = this.nextId++;
    const channel = new Channel<AudioChunk>();
    let resolve!: (s: ChunkStats) => void;
    let reject!: (e: Error) => void;
    const done = new Promise<ChunkStats>((res, rej) => ((resolve = res), (reject = rej)));
    done.catch(() => undefined);
    this.requests.set(id, { channel, resolve, reject });
    this.ensureLoaded().then(
      () => {
        if (this.requests.has(id)) this.post(this.worker!, { type: 'synthesize', id, text, options });
      },
      (err: Error) => this.finish(id, err),
    );
    return {
      id,
      done,
      cancel: () => {
        if (!this.requests.has(id)) return;
        if (this.worker) this.post(this.worker, { type: 'cancel', id });
        this.finish(id, new EngineError('CANCELLED', 'synthesis cancelled'));
      },
      [Symbol.asyncIterator]: () => channel[Symbol.asyncIterator](),
    };
  }

  /** A one-shot engine call (see EngineCalls); loads the model first. */
  call<M extends EngineMethod>(method: M, params: EngineCalls[M]['params']): Promise<EngineCalls[M]['result']> {
    const id = this.nextId++;
    const result = new Promise<EngineCalls[M]['result']>((resolve, reject) => this.calls.set(id, { resolve: resolve as (v: never) => void, reject }));
    this.ensureLoaded().then(
      () => this.post(this.worker!, { type: 'call', id, method, params } as ClientMessage),
      (err: Error) => this.settleCall(id, err),
    );
    return result;
  }

  private settleCall(id: number, err: Error | undefined, value?: unknown): boolean {
    const c = this.calls.get(id);
    if (!c) return false;
    this.calls.delete(id);
    if (err) c.reject(err);
    else c.resolve(value as never);
    return true;
  }

  /** Ends the worker: sessions are released first, then the thread exits. */
  async dispose(): Promise<void> {
    const w = this.worker;
    if (!w) return;
    this.worker = undefined;
    this.ready = undefined;
    this.failAll(new EngineError('CANCELLED', 'engine stopped'));
    w.ref();
    const exited = new Promise<void>((r) => w.once('exit', () => r()));
    this.post(w, { type: 'dispose' });
    // Never terminate(): killing a thread inside onnxruntime's run() aborts the whole process.
    await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000).unref())]);
    w.unref();
  }

  /** Test hook: makes the worker fail with an uncaught exception after `afterMs`. */
  simulateCrash(afterMs: number): void {
    if (this.worker) this.post(this.worker, { type: 'simulateCrash', afterMs });
  }

  private spawn(): Worker {
    if (this.worker) return this.worker;
    const file = this.opts.workerPath ?? path.join(__dirname, 'engine-worker.js');
    const worker = new Worker(file);
    worker.unref();
    this.worker = worker;
    worker.on('message', (m: WorkerMessage) => this.onMessage(m));
    worker.on('error', (e) => this.onCrash(worker, `the engine worker failed: ${e.message}`));
    worker.on('exit', (code) => this.onCrash(worker, `the engine worker stopped unexpectedly (exit code ${code})`));
    return worker;
  }

  private onCrash(worker: Worker, message: string): void {
    if (this.worker !== worker) return;
    this.worker = undefined;
    this.ready = undefined;
    this.opts.log?.(message);
    this.failAll(new EngineError('WORKER_CRASHED', `${message}; it will restart on the next request`));
  }

  private failAll(err: Error): void {
    for (const [id, w] of this.readyWaiters) (this.readyWaiters.delete(id), w.reject(err));
    for (const id of [...this.requests.keys()]) this.finish(id, err);
    for (const id of [...this.calls.keys()]) this.settleCall(id, err);
  }

  private post(worker: Worker, msg: ClientMessage): void {
    worker.postMessage(msg);
  }

  private finish(id: number, err?: Error, stats?: ChunkStats): void {
    const r = this.requests.get(id);
    if (!r) return;
    this.requests.delete(id);
    r.channel.end(err);
    if (err) r.reject(err);
    else r.resolve(stats!);
  }

  private onMessage(m: WorkerMessage): void {
    switch (m.type) {
      case 'ready': {
        const w = this.readyWaiters.get(m.id);
        this.readyWaiters.delete(m.id);
        if (m.note) this.opts.log?.(m.note);
        w?.resolve({ backend: m.backend, info: m.info, loadMs: m.loadMs, note: m.note });
        return;
      }
      case 'chunk': {
        const { type: _type, id, ...chunk } = m;
        this.requests.get(id)?.channel.push(chunk);
        return;
      }
      case 'progress':
        if (m.message) this.opts.log?.(m.message);
        else this.opts.onProgress?.(m.id, { textChunk: m.textChunk, frames: m.frames });
        return;
      case 'done':
        this.finish(m.id, undefined, m.stats);
        return;
      case 'result':
        this.settleCall(m.id, undefined, m.value);
        return;
      case 'error': {
        const err = new EngineError(m.code as ErrorCode, m.message, m.detail);
        // A crashing worker reports before it exits; detach it now so the next request starts a fresh one.
        if (m.code === 'WORKER_CRASHED') {
          this.worker = undefined;
          this.ready = undefined;
        }
        const w = this.readyWaiters.get(m.id);
        if (w) {
          this.readyWaiters.delete(m.id);
          w.reject(err);
        } else if (!this.settleCall(m.id, err)) this.finish(m.id, err);
        return;
      }
    }
  }
}
