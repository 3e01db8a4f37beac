// An AudioSink whose sound comes out of the player view (a webview) in the window the user sits at. PCM goes to the
// view at most AHEAD_SECONDS ahead of what the view reports as played, so Stop and Pause act within a few hundred
// ms and nothing piles up in a view that cannot play yet (autoplay blocked). The clock is the view's own count of
// samples that reached the output, so highlight and status follow what is heard, not what was sent.
import type { AudioSink, SinkEnd } from './sink';
import { DEFAULT_SAMPLE_RATE } from './wav';

/** Unplayed audio the view may hold. */
export const AHEAD_SECONDS = 0.4;
/** PCM is sent in pieces of at most this length, so the lead stays within AHEAD_SECONDS. */
export const PIECE_SECONDS = 0.1;

export type ChannelMessage =
  | { type: 'open'; stream: number }
  | { type: 'pcm'; stream: number; pcm: Float32Array }
  | { type: 'end' | 'stop'; stream: number }
  | { type: 'pause' | 'resume' };

export interface StreamEvents {
  /** The view's count of played samples of this stream; `ended` once it played everything after 'end'. */
  clock(played: number, ended: boolean): void;
  /** The view cannot play (error) or went away (undefined: it was closed). */
  gone(err?: Error): void;
}

/** The view as seen by a sink (implemented by the PlayerView). */
export interface AudioChannel {
  /** A new stream id; the view replaces whatever stream it was playing. */
  openStream(events: StreamEvents): number;
  closeStream(stream: number): void;
  send(message: ChannelMessage): void;
}

/** The view cannot play audio at all (no AudioContext or worklet in that window). */
export class ViewAudioError extends Error {
  override name = 'ViewAudioError';
  constructor(readonly detail: string | undefined) {
    super(`the player view cannot play audio${detail ? `: ${detail}` : ''}.`);
  }
}

export class WebviewSink implements AudioSink {
  private readonly stream: number;
  private sent = 0;
  private played = 0;
  private isPaused = false;
  private stopped = false;
  private ending = false;
  private failure: Error | undefined;
  private waiters: Array<() => void> = [];
  private readonly failureListeners: Array<(err: Error) => void> = [];
  private endPromise: Promise<SinkEnd> | undefined;
  private settleEnd: { resolve: (v: SinkEnd) => void; reject: (e: Error) => void } | undefined;

  constructor(private readonly channel: AudioChannel, readonly sampleRate = DEFAULT_SAMPLE_RATE) {
    this.stream = channel.openStream({
      clock: (played, ended) => this.onClock(played, ended),
      gone: (err) => (err ? this.fail(err) : this.end('stopped')),
    });
    channel.send({ type: 'open', stream: this.stream });
  }

  get paused(): boolean {
    return this.isPaused;
  }

  get written(): number {
    return this.sent;
  }

  position(): number {
    return Math.min(this.played, this.sent);
  }

  onFailure(listener: (err: Error) => void): void {
    this.failureListeners.push(listener);
  }

  async write(pcm: Float32Array): Promise<void> {
    if (this.failure) throw this.failure;
    if (this.ending && !this.stopped) throw new Error('write() after finish()');
    const piece = Math.round(PIECE_SECONDS * this.sampleRate);
    const ahead = AHEAD_SECONDS * this.sampleRate;
    for (let i = 0; i < pcm.length; i += piece) {
      const n = Math.min(piece, pcm.length - i);
      while (this.sent + n - this.played > ahead && !this.stopped && !this.failure) await new Promise<void>((r) => this.waiters.push(r));
      if (this.failure) throw this.failure;
      if (this.stopped) return;
      // A copy, never a view: VS Code transfers a typed array's whole underlying buffer.
      const part = pcm.slice(i, i + n);
      this.channel.send({ type: 'pcm', stream: this.stream, pcm: part });
      this.sent += part.length;
    }
  }

  pause(): void {
    if (this.isPaused || this.stopped) return;
    this.isPaused = true;
    this.channel.send({ type: 'pause' });
  }

  resume(): void {
    if (!this.isPaused || this.stopped) return;
    this.isPaused = false;
    this.channel.send({ type: 'resume' });
  }

  async stop(): Promise<void> {
    if (this.stopped || this.failure) return;
    this.channel.send({ type: 'stop', stream: this.stream });
    this.end('stopped');
  }

  finish(): Promise<SinkEnd> {
    if (!this.endPromise) {
      this.endPromise = new Promise<SinkEnd>((resolve, reject) => (this.settleEnd = { resolve, reject }));
      this.endPromise.catch(() => {}); // reported through the returned promise; never an unhandled rejection
      this.ending = true;
      if (this.failure) this.settleEnd!.reject(this.failure);
      else if (this.stopped) this.settleEnd!.resolve('stopped');
      else if (this.sent === 0) this.end('completed');
      else this.channel.send({ type: 'end', stream: this.stream });
    }
    return this.endPromise;
  }

  private onClock(played: number, ended: boolean): void {
    this.played = Math.max(this.played, played);
    this.releaseWriters();
    if (ended && this.ending && this.played >= this.sent) this.end('completed');
  }

  private end(how: SinkEnd): void {
    if (this.stopped) return;
    this.stopped = true;
    if (how === 'completed') this.played = this.sent;
    this.channel.closeStream(this.stream);
    this.releaseWriters();
    this.settleEnd?.resolve(how);
  }

  private fail(err: Error): void {
    if (this.failure || this.stopped) return;
    this.failure = err;
    this.channel.closeStream(this.stream);
    this.releaseWriters();
    this.settleEnd?.reject(err);
    for (const l of this.failureListeners) l(err);
  }

  private releaseWriters(): void {
    for (const w of this.waiters.splice(0)) w();
  }
}
