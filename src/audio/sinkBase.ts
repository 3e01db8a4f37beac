// What every player-process sink shares: the clock, the pause/stop/finish/failure state, and how finish() and a
// failure settle. Subclasses supply the transport (how PCM reaches a player process).
import type { ChildProcess } from 'node:child_process';
import { PlaybackClock } from './clock';
import type { PlayerSinkOptions } from './playerSink';
import type { Player } from './players';
import { exited, killNow } from './processes';
import type { AudioSink, SinkEnd } from './sink';
import { DEFAULT_SAMPLE_RATE } from './wav';

export abstract class PlayerSinkBase implements AudioSink {
  readonly sampleRate: number;
  protected readonly clock: PlaybackClock;
  protected child: ChildProcess | undefined;
  protected sent = 0;
  protected isPaused = false;
  protected stopped = false;
  protected ending = false;
  protected failure: Error | undefined;
  private readonly failureListeners: Array<(err: Error) => void> = [];
  private endPromise: Promise<SinkEnd> | undefined;
  private settleEnd: { resolve: (v: SinkEnd) => void; reject: (e: Error) => void } | undefined;

  constructor(readonly player: Player, protected readonly opts: PlayerSinkOptions = {}) {
    this.sampleRate = opts.sampleRate ?? DEFAULT_SAMPLE_RATE;
    this.clock = new PlaybackClock(this.sampleRate, opts.outputLatencyMs ?? player.outputLatencyMs, opts.now);
  }

  get paused(): boolean {
    return this.isPaused;
  }

  get written(): number {
    return this.sent;
  }

  /** The player's pid once started (for tests and diagnostics). */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  abstract position(): number;
  abstract pause(): void;
  abstract resume(): void;

  onFailure(listener: (err: Error) => void): void {
    this.failureListeners.push(listener);
  }

  write(pcm: Float32Array): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.stopped || pcm.length === 0) return Promise.resolve();
    if (this.ending) return Promise.reject(new Error('write() after finish()'));
    return this.enqueue(pcm);
  }

  async stop(): Promise<void> {
    if (!this.stopped) {
      this.stopped = true;
      this.clock.hold(this.position());
      this.releaseWriters();
      if (this.child) killNow(this.child);
      this.settleEnd?.resolve('stopped');
    }
    if (this.child) await exited(this.child);
    this.cleanup();
  }

  finish(): Promise<SinkEnd> {
    if (!this.endPromise) {
      this.endPromise = new Promise<SinkEnd>((resolve, reject) => (this.settleEnd = { resolve, reject }));
      this.endPromise.catch(() => {}); // reported through the returned promise; never an unhandled rejection
      this.ending = true;
      if (this.failure) this.settleEnd!.reject(this.failure);
      else if (this.stopped) this.settleEnd!.resolve('stopped');
      else this.drain();
    }
    return this.endPromise;
  }

  /** Queue non-empty PCM on a live, unfinished sink; resolves once the player accepted it. */
  protected abstract enqueue(pcm: Float32Array): Promise<void>;
  /** finish() was called: play out what is queued, then call complete(). */
  protected abstract drain(): void;
  /** Unblock every write() still waiting (stop or failure). */
  protected abstract releaseWriters(): void;
  /** Release transport resources (temp files); runs on completion, failure and stop. */
  protected cleanup(): void {}

  protected pauseMode(): 'signal' | 'restart' {
    return this.opts.pauseMode ?? (process.platform === 'win32' ? 'restart' : 'signal');
  }

  /** Everything was played: hold the clock at the end and resolve finish(). */
  protected complete(): void {
    this.clock.hold(this.sent);
    this.cleanup();
    this.settleEnd?.resolve('completed');
  }

  protected fail(err: Error): void {
    if (this.failure || this.stopped) return;
    this.failure = err;
    this.clock.hold(this.position());
    this.releaseWriters();
    if (this.child) killNow(this.child);
    this.cleanup();
    this.settleEnd?.reject(err);
    for (const l of this.failureListeners) l(err);
  }
}
