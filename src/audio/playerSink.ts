// A long-lived player process fed raw s16le on stdin (pacat/paplay/aplay), plus the factory that picks the
// temp-WAV segment sink for players that cannot stream (afplay, PowerShell, play-sound).
import type { Player } from './players';
import { captureStderr, isAlive, spawnPlayer } from './processes';
import { SegmentPlayerSink } from './segmentSink';
import { ImplausiblePlaybackError, MIN_REALTIME_FRACTION, PlayerExitError, type AudioSink } from './sink';
import { PlayerSinkBase } from './sinkBase';
import { floatToS16leBuffer } from './wav';

export interface PlayerSinkOptions {
  sampleRate?: number;
  /** Environment for the player (e.g. PULSE_SERVER). */
  env?: NodeJS.ProcessEnv;
  /** Override the player's assumed output latency for the clock. */
  outputLatencyMs?: number;
  /**
   * 'signal' = SIGSTOP/SIGCONT the player (POSIX); 'restart' = kill it and replay from the heard position (the only
   * option on Windows, which has no SIGSTOP).
   */
  pauseMode?: 'signal' | 'restart';
  /** Segment players: smallest segment started while idle, and temp dir for the WAVs. */
  minSegmentSeconds?: number;
  tmpDir?: string;
  /** Injected time source for tests. */
  now?: () => number;
}

export function createPlayerSink(player: Player, opts: PlayerSinkOptions = {}): AudioSink {
  return player.mode === 'stdin' ? new StreamingPlayerSink(player, opts) : new SegmentPlayerSink(player, opts);
}

interface Pending {
  buf: Buffer;
  samples: number;
  done: () => void;
}

export class StreamingPlayerSink extends PlayerSinkBase {
  private stderr: () => string = () => '';
  private queue: Pending[] = [];
  /** The write waiting for stdin 'drain'; released by stop/fail too, since a dead pipe never drains. */
  private drainWaiter: (() => void) | undefined;
  private startedAt = 0;

  override position(): number {
    return Math.min(this.clock.raw(), this.sent);
  }

  protected override enqueue(pcm: Float32Array): Promise<void> {
    this.ensureStarted();
    return new Promise((done) => {
      this.queue.push({ buf: floatToS16leBuffer(pcm), samples: pcm.length, done });
      this.pump();
    });
  }

  override pause(): void {
    if (this.isPaused || this.stopped) return;
    this.isPaused = true;
    // The server still plays what it already buffered (about the output latency) after SIGSTOP.
    const heard = Math.min(this.sent, this.position() + (this.clock.running ? this.clock.latencySamples : 0));
    this.clock.hold(heard);
    if (this.child && isAlive(this.child)) {
      if (this.pauseMode() === 'signal') this.child.kill('SIGSTOP');
      // 'restart' on a stdin player is not needed: every stdin player here runs on POSIX.
    }
  }

  override resume(): void {
    if (!this.isPaused || this.stopped) return;
    this.isPaused = false;
    if (this.child && isAlive(this.child) && this.pauseMode() === 'signal') this.child.kill('SIGCONT');
    if (this.sent > 0) this.clock.startAt(this.clock.raw());
    this.pump();
  }

  protected override drain(): void {
    if (!this.child) this.complete(); // nothing was ever written
    else this.pump();
  }

  protected override releaseWriters(): void {
    for (const p of this.queue.splice(0)) p.done();
    this.releaseDrainWaiter();
  }

  private ensureStarted(): void {
    if (this.child) return;
    const child = spawnPlayer(this.player.command, this.player.streamArgs(this.sampleRate), this.opts.env ?? process.env, 'pipe');
    this.child = child;
    this.startedAt = performance.now();
    this.stderr = captureStderr(child);
    child.stdin!.on('error', () => {}); // EPIPE if the player dies; the exit handler reports it
    child.once('error', (err) => this.fail(err));
    child.once('exit', (code, signal) => {
      if (this.stopped) return;
      if (code === 0 && this.ending && this.queue.length === 0) {
        // Players that lie (exit 0 without playing) are caught by timing: real playback cannot beat the clock.
        const audioMs = (this.sent / this.sampleRate) * 1000;
        const wallMs = performance.now() - this.startedAt;
        if (audioMs > 300 && wallMs < audioMs * MIN_REALTIME_FRACTION) return this.fail(new ImplausiblePlaybackError(this.player.label, audioMs, wallMs));
        this.complete();
      } else {
        this.fail(new PlayerExitError(this.player.label, code, signal, this.stderr()));
      }
    });
  }

  private pump(): void {
    const child = this.child;
    if (!child || this.isPaused || this.stopped || this.failure || this.drainWaiter) return;
    while (this.queue.length > 0) {
      const next = this.queue.shift()!;
      // Re-anchor when starting or after the player ran dry: the new audio is heard one latency from now.
      if (!this.clock.running || this.clock.raw() >= this.sent) this.clock.startAt(this.sent);
      this.sent += next.samples;
      if (!child.stdin!.write(next.buf)) {
        this.drainWaiter = next.done;
        child.stdin!.once('drain', () => {
          this.releaseDrainWaiter();
          this.pump();
        });
        return;
      }
      next.done();
    }
    if (this.ending && !child.stdin!.writableEnded) child.stdin!.end();
  }

  private releaseDrainWaiter(): void {
    const w = this.drainWaiter;
    this.drainWaiter = undefined;
    w?.();
  }
}
