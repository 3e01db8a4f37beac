// For players that only play files (afplay, PowerShell SoundPlayer, play-sound's file players): audio is cut into temp WAV segments, one
// player process each. Whatever arrives while a segment plays becomes the next segment, so segments grow to match
// the synthesis rate and the per-process start gap is paid rarely.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { captureStderr, isAlive, killNow } from './processes';
import { ImplausiblePlaybackError, MIN_REALTIME_FRACTION, PlayerExitError } from './sink';
import { PlayerSinkBase } from './sinkBase';
import { encodeWav } from './wav';

/** Writers wait once this much audio is queued but not yet given to a player. */
const HIGH_WATER_SECONDS = 4;

export class SegmentPlayerSink extends PlayerSinkBase {
  private pending: Float32Array[] = [];
  private pendingSamples = 0;
  private waiters: Array<() => void> = [];
  private segment: { start: number; pcm: Float32Array; file: string; killedOnPurpose: boolean } | undefined;
  private dir: string | undefined;
  private seq = 0;

  override position(): number {
    const seg = this.segment;
    const upper = seg ? seg.start + seg.pcm.length : this.sent;
    return Math.min(this.clock.raw(), upper);
  }

  protected override enqueue(pcm: Float32Array): Promise<void> {
    this.pending.push(pcm);
    this.pendingSamples += pcm.length;
    this.next();
    if (this.pendingSamples < HIGH_WATER_SECONDS * this.sampleRate) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  override pause(): void {
    if (this.isPaused || this.stopped) return;
    this.isPaused = true;
    const seg = this.segment;
    const heard = this.position();
    this.clock.hold(heard);
    if (!seg || !this.child || !isAlive(this.child)) return;
    if (this.pauseMode() === 'signal') {
      this.child.kill('SIGSTOP');
      return;
    }
    // No SIGSTOP (Windows): kill the segment and put its unheard rest back in front of the queue.
    const offset = Math.max(0, Math.min(seg.pcm.length, Math.floor(heard - seg.start)));
    this.clock.hold(seg.start + offset);
    seg.killedOnPurpose = true;
    killNow(this.child);
    this.child = undefined; // its exit event may lag; resume() must not wait for it
    const rest = seg.pcm.subarray(offset);
    if (rest.length > 0) {
      this.pending.unshift(rest);
      this.pendingSamples += rest.length;
    }
    this.sent = seg.start + offset;
  }

  override resume(): void {
    if (!this.isPaused || this.stopped) return;
    this.isPaused = false;
    if (this.child && isAlive(this.child)) {
      this.child.kill('SIGCONT');
      this.clock.startAt(this.clock.raw());
    }
    this.next(true);
  }

  override stop(): Promise<void> {
    if (!this.stopped) {
      // Unlike a failure, a stop also drops the audio not yet given to a player.
      this.pending = [];
      this.pendingSamples = 0;
    }
    return super.stop();
  }

  protected override drain(): void {
    this.next();
  }

  /** Start the next segment when idle and there is enough audio (or the stream is ending). */
  private next(force = false): void {
    if (this.isPaused || this.stopped || this.failure) return;
    if (this.child && isAlive(this.child)) return;
    const min = (this.opts.minSegmentSeconds ?? 0.5) * this.sampleRate;
    if (this.pendingSamples === 0 || (!this.ending && !force && this.pendingSamples < min)) {
      if (this.ending && this.pendingSamples === 0) {
        this.segment = undefined;
        this.complete();
      }
      return;
    }
    const pcm = concat(this.pending, this.pendingSamples);
    this.pending = [];
    this.pendingSamples = 0;
    this.releaseWriters();
    this.dir ??= mkdtempSync(path.join(this.opts.tmpDir ?? tmpdir(), 'pocket-reader-'));
    const file = path.join(this.dir, `seg-${++this.seq}.wav`);
    writeFileSync(file, encodeWav(pcm, this.sampleRate));
    const child = this.player.spawnSegment(file, this.opts.env ?? process.env);
    const seg = { start: this.sent, pcm, file, killedOnPurpose: false };
    const spawnedAt = performance.now();
    this.child = child;
    this.segment = seg;
    this.sent += pcm.length;
    this.clock.startAt(seg.start);
    const stderr = captureStderr(child);
    child.once('error', (err) => this.fail(err));
    child.once('exit', (code, signal) => {
      rmSync(file, { force: true });
      if (this.stopped || seg.killedOnPurpose) return;
      if (code !== 0) return this.fail(new PlayerExitError(this.player.label, code, signal, stderr()));
      const audioMs = (pcm.length / this.sampleRate) * 1000;
      const wallMs = performance.now() - spawnedAt;
      if (!this.isPaused && audioMs > 300 && wallMs < audioMs * MIN_REALTIME_FRACTION) {
        return this.fail(new ImplausiblePlaybackError(this.player.label, audioMs, wallMs));
      }
      this.clock.hold(seg.start + pcm.length);
      this.next();
    });
  }

  protected override releaseWriters(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  protected override cleanup(): void {
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
    this.dir = undefined;
  }
}

function concat(parts: Float32Array[], total: number): Float32Array {
  if (parts.length === 1) return parts[0]!;
  const out = new Float32Array(total);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
