/**
 * The engine as seen from the extension host or the CLI. The engine runs in its own process, started on first use,
 * and this client supervises it: it notices every way the process can end or stall (exit, signal, closed channel,
 * no answer to a heartbeat while work is pending, no acknowledgement of a cancel), kills what is stuck, starts a
 * fresh engine and resumes each request at the text chunk in progress without delivering audio twice. Three
 * restarts a minute are absorbed; the fourth death fails the pending work with a clear message, and the next
 * request starts afresh. An idle engine is stopped so an idle window holds no model memory.
 */
import path from 'node:path';
import { Channel } from './channel';
import { forkEngine, threadEngine, type EngineExit, type EngineTransport, type TransportFactory } from './engineTransport';
import { ResumeTracker } from './resumeTracker';
import { needsThreadFallback } from './threadFallback';
import { EngineError, type ErrorCode } from '../shared/errors';
import type { AudioChunk, ChunkStats, ClientMessage, EngineCalls, EngineConfig, EngineMessage, EngineMethod, ModelInfo, SynthesisOptions } from '../shared/protocol';

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

export interface Supervision {
  /** Ping period while work is pending. */
  heartbeatMs: number;
  /** Silence (no pong, no message) after which a busy engine counts as stalled. */
  stallMs: number;
  /** The same while the model loads (a large graph is prepared synchronously). */
  loadStallMs: number;
  /** A cancel not acknowledged within this kills the engine. */
  cancelAckMs: number;
  /** Between SIGTERM and SIGKILL for a stalled engine. */
  killGraceMs: number;
  /** Restarts absorbed within restartWindowMs; one more death fails the pending work. */
  maxRestarts: number;
  restartWindowMs: number;
  /** Stop the engine after this long without work; 0 keeps it until dispose(). */
  idleMs: number;
}

export const DEFAULT_SUPERVISION: Supervision = {
  heartbeatMs: 1000,
  stallMs: 5000,
  loadStallMs: 60_000,
  cancelAckMs: 2000,
  killGraceMs: 1000,
  maxRestarts: 3,
  restartWindowMs: 60_000,
  idleMs: 0,
};

export interface EngineClientOptions {
  config: EngineConfig;
  /** The bundled engine entry; defaults to engine-host.js next to this bundle. */
  entry?: string;
  /** `process` (default) or `thread` (in-process fallback). */
  transport?: 'process' | 'thread';
  supervision?: Partial<Supervision>;
  onProgress?: (id: number, p: { textChunk: number; frames: number }) => void;
  log?: (line: string) => void;
}

interface SynthRequest {
  kind: 'synthesize';
  text: string;
  options: SynthesisOptions;
  channel: Channel<AudioChunk>;
  tracker: ResumeTracker;
  seq: number;
  resolve: (s: ChunkStats) => void;
  reject: (e: Error) => void;
}

interface CallRequest {
  kind: 'call';
  method: EngineMethod;
  params: unknown;
  resolve: (v: never) => void;
  reject: (e: Error) => void;
}

type Request = (SynthRequest | CallRequest) & { id: number; restarts: number; sentTo?: Engine };

interface Load {
  id: number;
  config: EngineConfig;
  promise: Promise<ReadyInfo>;
  resolve: (r: ReadyInfo) => void;
  reject: (e: Error) => void;
  settled: boolean;
}

interface Engine {
  transport: EngineTransport;
  load?: Load;
  lastHeard: number;
  pings: number;
  heartbeat?: NodeJS.Timeout;
  /** Ending on purpose (dispose, idle, switching transport): its exit is not a fault. */
  stopping?: boolean;
  killing?: boolean;
  onStopped?: () => void;
}


export class EngineClient {
  private engine: Engine | undefined;
  private readonly requests = new Map<number, Request>();
  /** Cancels sent to the engine and not yet acknowledged (request id → kill timer). */
  private readonly unacked = new Map<number, NodeJS.Timeout>();
  private deaths: number[] = [];
  private restartCount = 0;
  private idleTimer: NodeJS.Timeout | undefined;
  private nextId = 1;
  private config: EngineConfig;
  private transportKind: 'process' | 'thread';
  private readonly sup: Supervision;

  constructor(private readonly opts: EngineClientOptions) {
    this.config = opts.config;
    this.transportKind = opts.transport ?? 'process';
    this.sup = { ...DEFAULT_SUPERVISION, ...opts.supervision };
  }

  /** Applies a new configuration; the engine reloads on its next request if anything changed. */
  configure(config: EngineConfig): void {
    if (JSON.stringify(config) === JSON.stringify(this.config)) return;
    this.config = config;
    if (this.engine) this.engine.load = undefined;
  }

  /** Applies a new idle timeout (0 = keep the engine) from the next idle period on. */
  setIdleTimeout(ms: number): void {
    this.sup.idleMs = ms;
  }

  /** True while an engine process (or thread) exists. */
  get running(): boolean {
    return this.engine !== undefined;
  }

  /** The engine process id (undefined for a thread or when none runs). */
  get pid(): number | undefined {
    return this.engine?.transport.pid;
  }

  /** Restarts after a fault since this client was created (diagnostics and tests). */
  get restarts(): number {
    return this.restartCount;
  }

  get transport(): 'process' | 'thread' {
    return this.transportKind;
  }

  /** Starts the engine and loads the model if needed. */
  ensureLoaded(): Promise<ReadyInfo> {
    const e = this.engine ?? this.start();
    if (!e.load || JSON.stringify(e.load.config) !== JSON.stringify(this.config)) this.sendLoad(e);
    return e.load!.promise;
  }

  synthesize(text: string, options: SynthesisOptions): SynthesisHandle {
    const id = this.nextId++;
    const channel = new Channel<AudioChunk>();
    let resolve!: (s: ChunkStats) => void;
    let reject!: (e: Error) => void;
    const done = new Promise<ChunkStats>((res, rej) => ((resolve = res), (reject = rej)));
    done.catch(() => undefined);
    this.add({ kind: 'synthesize', id, text, options, channel, tracker: new ResumeTracker(), seq: 0, resolve, reject, restarts: 0 });
    return {
      id,
      done,
      cancel: () => this.cancel(id),
      [Symbol.asyncIterator]: () => channel[Symbol.asyncIterator](),
    };
  }

  /** A one-shot engine call (see EngineCalls); loads the model first. */
  call<M extends EngineMethod>(method: M, params: EngineCalls[M]['params']): Promise<EngineCalls[M]['result']> {
    return new Promise((resolve, reject) => {
      this.add({ kind: 'call', id: this.nextId++, method, params, resolve: resolve as (v: never) => void, reject, restarts: 0 });
    });
  }

  /** Stops the engine: pending work is cancelled, the runtime is released, then the process exits. */
  async dispose(): Promise<void> {
    this.clearIdle();
    const stopped = new EngineError('CANCELLED', 'engine stopped');
    this.failAll(stopped);
    if (this.engine?.load && !this.engine.load.settled) this.engine.load.reject(stopped);
    for (const t of this.unacked.values()) clearTimeout(t);
    this.unacked.clear();
    await this.stopEngine();
  }

  /** Test hook: an uncaught exception inside the engine after `afterMs`. */
  simulateCrash(afterMs: number): void {
    this.engine?.transport.send({ type: 'simulateCrash', afterMs });
  }

  /** Test hook: signals the engine process (SIGKILL, SIGSTOP, …); false when there is none. */
  signal(sig: NodeJS.Signals): boolean {
    return this.engine?.transport.signal(sig) ?? false;
  }

  // --- requests --------------------------------------------------------------------------------------------------

  private add(r: Request): void {
    this.clearIdle();
    if (this.engine && !this.busy) {
      this.engine.lastHeard = Date.now(); // silence while idle is not a stall
      this.engine.transport.setBusy(true);
    }
    this.requests.set(r.id, r);
    this.dispatch(r);
  }

  /** Sends `r` to the current engine once its model is loaded (again after a restart, with a resume point). */
  private dispatch(r: Request): void {
    const e = this.engine ?? this.start();
    this.ensureLoaded().then(
      () => {
        if (this.engine !== e || this.requests.get(r.id) !== r || r.sentTo === e) return;
        r.sentTo = e;
        if (r.kind === 'call') e.transport.send({ type: 'call', id: r.id, method: r.method, params: r.params } as ClientMessage);
        else {
          const resume = r.restarts > 0 ? r.tracker.resumePoint() : undefined;
          e.transport.send({ type: 'synthesize', id: r.id, text: r.text, options: r.options, ...(resume ? { resume } : {}) });
        }
      },
      // A load that failed because the engine died is retried by the restart; only this engine's verdict counts.
      (err: Error) => {
        if (this.engine === e) this.settle(r.id, err);
      },
    );
  }

  private cancel(id: number): void {
    const r = this.requests.get(id);
    if (!r) return;
    const e = this.engine;
    if (e && r.sentTo === e) {
      e.transport.send({ type: 'cancel', id });
      this.unacked.set(
        id,
        setTimeout(() => {
          this.unacked.delete(id);
          if (this.engine !== e) return;
          this.log(`the engine did not acknowledge a cancel within ${this.sup.cancelAckMs} ms; restarting it`);
          this.kill(e);
        }, this.sup.cancelAckMs),
      );
    }
    this.settle(id, new EngineError('CANCELLED', 'synthesis cancelled'));
  }

  private settle(id: number, err?: Error, value?: unknown): void {
    const r = this.requests.get(id);
    if (!r) return;
    this.requests.delete(id);
    if (r.kind === 'synthesize') {
      r.channel.end(err);
      if (err) r.reject(err);
      else r.resolve({ ...(value as ChunkStats), ...(r.restarts ? { restarts: r.restarts } : {}) });
    } else if (err) r.reject(err);
    else r.resolve(value as never);
    this.afterWork();
  }

  private failAll(err: Error): void {
    for (const id of [...this.requests.keys()]) this.settle(id, err);
  }

  private get busy(): boolean {
    return this.requests.size > 0 || this.unacked.size > 0;
  }

  private afterWork(): void {
    if (this.busy) return;
    this.engine?.transport.setBusy(false);
    this.clearIdle();
    if (this.sup.idleMs > 0 && this.engine) {
      this.idleTimer = setTimeout(() => {
        if (this.busy || !this.engine) return;
        this.log(`stopping the engine after ${Math.round(this.sup.idleMs / 60_000)} idle minute(s); it starts again on the next request`);
        void this.stopEngine();
      }, this.sup.idleMs);
      this.idleTimer.unref();
    }
  }

  private clearIdle(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
  }

  // --- the engine process ----------------------------------------------------------------------------------------

  private start(): Engine {
    const entry = this.opts.entry ?? path.join(__dirname, 'engine-host.js');
    const factory: TransportFactory = this.transportKind === 'thread' ? threadEngine : forkEngine;
    const e: Engine = { transport: undefined as unknown as EngineTransport, lastHeard: Date.now(), pings: 0 };
    e.transport = factory(entry, {
      onMessage: (m) => this.onMessage(e, m),
      onExit: (x) => this.onExit(e, x),
      onOutput: (line) => this.log(`[engine] ${line}`),
    });
    this.engine = e;
    if (this.busy) e.transport.setBusy(true);
    if (e.transport.pid) this.log(`engine process started (pid ${e.transport.pid})`);
    // The heartbeat runs while there is work; a stopped or spinning engine answers nothing and is replaced.
    e.heartbeat = setInterval(() => this.checkAlive(e), this.sup.heartbeatMs);
    e.heartbeat.unref();
    return e;
  }

  private sendLoad(e: Engine): void {
    const id = this.nextId++;
    let resolve!: (r: ReadyInfo) => void;
    let reject!: (e: Error) => void;
    const promise = new Promise<ReadyInfo>((res, rej) => ((resolve = res), (reject = rej)));
    promise.catch(() => undefined);
    e.load = { id, config: this.config, promise, resolve, reject, settled: false };
    e.lastHeard = Date.now();
    e.transport.send({ type: 'load', id, config: this.config });
  }

  private checkAlive(e: Engine): void {
    if (this.engine !== e || e.killing) return;
    const loading = e.load !== undefined && !e.load.settled;
    if (!this.busy && !loading) return;
    const limit = loading ? this.sup.loadStallMs : this.sup.stallMs;
    const silent = Date.now() - e.lastHeard;
    if (silent > limit) {
      this.log(`the engine has not answered for ${(silent / 1000).toFixed(1)} s; restarting it`);
      this.kill(e);
      return;
    }
    e.transport.send({ type: 'ping', n: ++e.pings });
  }

  /** SIGTERM, then SIGKILL after a grace period (a SIGSTOPped process only yields to the latter). */
  private kill(e: Engine): void {
    if (e.killing) return;
    e.killing = true;
    if (e.transport.kind === 'thread') {
      this.log('the engine thread is stuck and cannot be stopped safely; reading fails until the window reloads');
      return this.onExit(e, { code: null, signal: null });
    }
    e.transport.signal('SIGTERM');
    setTimeout(() => e.transport.kill(), this.sup.killGraceMs).unref();
  }

  /** Ends the engine on purpose: release the runtime, wait for the exit, SIGKILL if it does not come. */
  private async stopEngine(): Promise<void> {
    const e = this.engine;
    if (!e) return;
    this.engine = undefined;
    e.stopping = true;
    clearInterval(e.heartbeat);
    const exited = new Promise<void>((r) => (e.onStopped = r));
    e.transport.setBusy(true);
    e.transport.send({ type: 'dispose' });
    const timer = setTimeout(() => e.transport.kill(), 5000);
    await exited;
    clearTimeout(timer);
  }

  private onMessage(e: Engine, m: EngineMessage): void {
    if (this.engine !== e && !e.stopping) return;
    e.lastHeard = Date.now();
    switch (m.type) {
      case 'pong':
        return;
      case 'ready':
        if (e.load?.id === m.id) {
          e.load.settled = true;
          if (m.note) this.log(m.note);
          if (this.needsThreadFallback(m.note)) return this.fallBackToThread(e);
          e.load.resolve({ backend: m.backend, info: m.info, loadMs: m.loadMs, note: m.note });
        }
        return;
      case 'chunk': {
        const r = this.requests.get(m.id);
        if (r?.kind !== 'synthesize') return;
        const { type: _type, id: _id, ...chunk } = m;
        const fresh = r.tracker.accept(chunk);
        if (fresh) r.channel.push({ ...fresh, seq: r.seq++ });
        return;
      }
      case 'progress':
        if (m.message) this.log(m.message);
        else this.opts.onProgress?.(m.id, { textChunk: m.textChunk, frames: m.frames });
        return;
      case 'done':
        this.acknowledge(m.id);
        this.settle(m.id, undefined, m.stats);
        return;
      case 'result':
        this.settle(m.id, undefined, m.value);
        return;
      case 'error': {
        const err = new EngineError(m.code as ErrorCode, m.message, m.detail);
        if (e.load?.id === m.id) {
          e.load.settled = true;
          e.load.reject(err);
          e.load = undefined; // the next request tries to load again
          return;
        }
        this.acknowledge(m.id);
        this.settle(m.id, err);
        return;
      }
    }
  }

  private acknowledge(id: number): void {
    const t = this.unacked.get(id);
    if (!t) return;
    clearTimeout(t);
    this.unacked.delete(id);
    this.afterWork();
  }

  private onExit(e: Engine, x: EngineExit): void {
    clearInterval(e.heartbeat);
    e.onStopped?.();
    if (e.stopping || this.engine !== e) return;
    this.engine = undefined;
    for (const t of this.unacked.values()) clearTimeout(t);
    this.unacked.clear();
    const how = x.signal ? `signal ${x.signal}` : `exit code ${x.code}`;
    if (e.load && !e.load.settled) e.load.reject(new EngineError('ENGINE_FAILED', `the speech engine ended while loading the model (${how})`));
    const now = Date.now();
    this.deaths = [...this.deaths.filter((t) => now - t < this.sup.restartWindowMs), now];
    const pending = [...this.requests.values()];
    if (pending.length === 0) {
      this.log(`the engine ended unexpectedly (${how}); it starts again on the next request`);
      return this.afterWork();
    }
    if (this.deaths.length > this.sup.maxRestarts) {
      this.deaths = [];
      this.log(`the engine ended unexpectedly (${how}), ${this.sup.maxRestarts + 1} times within a minute; giving up on the current request`);
      this.failAll(
        new EngineError('ENGINE_FAILED', `the speech engine stopped ${this.sup.maxRestarts + 1} times in a minute (last: ${how}). Show Log has the details; the next request starts it afresh.`),
      );
      return;
    }
    this.log(`the engine ended unexpectedly (${how}); restarting it and resuming ${pending.length} request(s) (restart ${this.deaths.length} of ${this.sup.maxRestarts} allowed per minute)`);
    this.restartCount++;
    for (const r of pending) {
      r.restarts++;
      r.sentTo = undefined;
    }
    for (const r of pending) this.dispatch(r);
  }

  private needsThreadFallback(note: string | undefined): boolean {
    return this.transportKind === 'process' && needsThreadFallback(process.platform, this.config, note);
  }

  private fallBackToThread(e: Engine): void {
    this.log('the engine process cannot load the CoreML addon (library validation); running the engine in a thread of this process instead');
    this.transportKind = 'thread';
    const pending = [...this.requests.values()];
    void this.stopEngine().then(() => {
      for (const r of pending) r.sentTo = undefined;
      if (this.busy) for (const r of pending) this.dispatch(r);
    });
    e.load?.reject(new EngineError('INTERNAL', 'engine moved to a thread'));
  }

  private log(line: string): void {
    this.opts.log?.(line);
  }
}
