/** Runs Mimi decoding either on a dedicated thread (default) or inline on the calling thread. */
import { Worker } from 'node:worker_threads';
import type * as ort from 'onnxruntime-node';
import { EngineError, type ErrorCode } from '../../shared/errors';
import type { StateEntry } from '../modelFiles';
import type { DecoderReply, DecoderRequest } from './decoderProtocol';
import { MimiDecoder } from './onnxMimi';
import { createSession } from './onnxSession';

export interface DecoderPool {
  start(): number;
  decode(dec: number, latents: Float32Array, frames: number): Promise<Float32Array>;
  release(dec: number): void;
  /** Milliseconds spent inside the decoder graph and frames decoded, for benchmarks. */
  readonly timings: { ms: number; frames: number };
  close(): Promise<void>;
}

interface Init {
  file: string;
  manifest: StateEntry[];
  latentDim: number;
  threads: number;
}

export class InlineDecoderPool implements DecoderPool {
  readonly timings = { ms: 0, frames: 0 };
  private next = 1;
  private readonly states = new Map<number, ort.Tensor[]>();

  private constructor(
    private readonly session: ort.InferenceSession,
    private readonly mimi: MimiDecoder,
  ) {}

  static async create(init: Init): Promise<InlineDecoderPool> {
    const session = await createSession(init.file, init.threads);
    return new InlineDecoderPool(session, new MimiDecoder(session, init.manifest, init.latentDim));
  }

  start(): number {
    const id = this.next++;
    this.states.set(id, this.mimi.initialState());
    return id;
  }

  async decode(dec: number, latents: Float32Array, frames: number): Promise<Float32Array> {
    const t0 = performance.now();
    const r = await this.mimi.decode(this.states.get(dec)!, latents, frames);
    this.states.set(dec, r.state);
    this.timings.ms += performance.now() - t0;
    this.timings.frames += frames;
    return r.pcm;
  }

  release(dec: number): void {
    this.states.delete(dec);
  }

  async close(): Promise<void> {
    this.states.clear();
    await this.session.release();
  }
}

export class ThreadDecoderPool implements DecoderPool {
  readonly timings = { ms: 0, frames: 0 };
  private nextDec = 1;
  private nextCall = 1;
  private readonly pending = new Map<number, { resolve: (pcm: Float32Array) => void; reject: (e: Error) => void; frames: number }>();
  private failure: Error | undefined;
  private closed?: () => void;

  private constructor(private readonly worker: Worker) {
    worker.on('message', (m: DecoderReply) => this.onMessage(m));
    worker.on('error', (e) => this.fail(new EngineError('ENGINE_FAILED', `Mimi decoder thread failed: ${e.message}`)));
    worker.on('exit', (code) => {
      this.closed?.();
      if (!this.closed) this.fail(new EngineError('ENGINE_FAILED', `Mimi decoder thread exited (code ${code})`));
    });
  }

  static async create(workerPath: string, init: Init): Promise<ThreadDecoderPool> {
    const pool = new ThreadDecoderPool(new Worker(workerPath));
    await new Promise<void>((resolve, reject) => {
      const onMsg = (m: DecoderReply) => {
        if (m.type === 'ready') resolve();
        else if (m.type === 'failed') reject(new EngineError(m.code as ErrorCode, m.message));
        else return;
        pool.worker.off('message', onMsg);
      };
      pool.worker.on('message', onMsg);
      pool.worker.once('error', reject);
      pool.post({ type: 'init', ...init });
    });
    return pool;
  }

  private post(msg: DecoderRequest, transfer: ArrayBuffer[] = []): void {
    this.worker.postMessage(msg, transfer);
  }

  private onMessage(m: DecoderReply): void {
    if (m.type === 'pcm') {
      const p = this.pending.get(m.call);
      this.pending.delete(m.call);
      this.timings.ms += m.ms;
      this.timings.frames += p?.frames ?? 0;
      p?.resolve(m.pcm);
    } else if (m.type === 'closed') {
      this.closed?.();
    } else if (m.type === 'failed') {
      const err = new EngineError(m.code as ErrorCode, m.message);
      if (m.call < 0) this.fail(err);
      const p = this.pending.get(m.call);
      this.pending.delete(m.call);
      p?.reject(err);
    }
  }

  private fail(err: Error): void {
    this.failure = err;
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
  }

  start(): number {
    const dec = this.nextDec++;
    this.post({ type: 'start', dec });
    return dec;
  }

  decode(dec: number, latents: Float32Array, frames: number): Promise<Float32Array> {
    if (this.failure) return Promise.reject(this.failure);
    const call = this.nextCall++;
    const copy = latents.slice();
    return new Promise((resolve, reject) => {
      this.pending.set(call, { resolve, reject, frames });
      this.post({ type: 'decode', dec, call, latents: copy, frames }, [copy.buffer as ArrayBuffer]);
    });
  }

  release(dec: number): void {
    this.post({ type: 'release', dec });
  }

  async close(): Promise<void> {
    if (this.failure) {
      await this.worker.terminate();
      return;
    }
    const closed = await new Promise<boolean>((resolve) => {
      this.closed = () => resolve(true);
      this.post({ type: 'close' });
      setTimeout(() => resolve(false), 10_000).unref();
    });
    // Only an idle thread (sessions released) may be terminated; killing one inside run() aborts the process.
    if (closed) await this.worker.terminate();
    else this.worker.unref();
  }
}
