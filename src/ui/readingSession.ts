/**
 * One reading: segments in, audio out through the PlaybackQueue. No `vscode` import — the controller
 * (reader.ts) maps segments to editor ranges, decorations and the status bar.
 *
 * Synthesis runs one engine request per segment and only as far ahead as the queue's lookahead allows, so a long
 * document costs no more work than what is heard (plus a couple of sentences). Stop cancels both ends at once.
 */
import { EventEmitter } from 'node:events';
import type { EngineClient } from '../client/engineClient';
import { EngineError, isCancelled } from '../shared/errors';
import type { ChunkStats, SynthesisOptions } from '../shared/protocol';
import { PlaybackQueue, type HeardWord } from '../audio/playbackQueue';
import { RequestMarks } from '../audio/requestMarks';
import type { AudioSink } from '../audio/sink';
import { TimeStretcher } from '../audio/timeStretch';
import { DEFAULT_SAMPLE_RATE } from '../audio/wav';
import { sourceRange, type Segment } from '../text/segment';

export type SessionState = 'preparing' | 'playing' | 'paused' | 'stopped' | 'ended' | 'failed';

export interface ReadingSessionOptions {
  engine: Pick<EngineClient, 'synthesize'>;
  /** The segments to read, in order; indexes in events refer to this array. */
  segments: readonly Segment[];
  synthesis: SynthesisOptions;
  createSink: () => AudioSink;
  speed: number;
  lookaheadSegments?: number;
  log?: (line: string) => void;
}

export interface ReadingSession {
  on(event: 'segment', listener: (index: number) => void): this;
  /** The word being heard (document offsets), or undefined between words and without word timing. */
  on(event: 'word', listener: (word: HeardWord | undefined) => void): this;
  on(event: 'state', listener: (state: SessionState) => void): this;
  on(event: 'error', listener: (err: Error) => void): this;
}

export class ReadingSession extends EventEmitter {
  private readonly queue: PlaybackQueue;
  private stateValue: SessionState = 'preparing';
  private heard = -1;
  /** Segment the synthesis loop is on (being synthesized, or waiting for its turn). */
  private synthIndex = 0;
  /** Set by next() when the target is not generated yet: the loop jumps there. */
  private skipTo: number | undefined;
  private handle: { cancel(): void } | undefined;
  private sink: AudioSink | undefined;
  private stopping = false;
  /** Settles when the reading is over: completed, stopped or failed (never rejects). */
  readonly finished: Promise<SessionState>;
  private settle!: (s: SessionState) => void;

  constructor(private readonly opts: ReadingSessionOptions) {
    super();
    this.finished = new Promise((r) => (this.settle = r));
    this.queue = new PlaybackQueue({
      createSink: () => (this.sink = opts.createSink()),
      sampleRate: DEFAULT_SAMPLE_RATE,
      lookaheadSegments: opts.lookaheadSegments ?? 2,
      speed: opts.speed,
      createStretcher: (speed) => TimeStretcher.create(speed),
    });
    this.queue.on('segment', (e) => {
      this.heard = e.segmentIndex;
      if (this.stateValue === 'preparing') this.setState('playing');
      this.emit('segment', e.segmentIndex);
    });
    this.queue.on('word', (w) => this.emit('word', w));
    this.queue.on('state', (s) => {
      if (s === 'paused') this.setState('paused');
      else if (s === 'playing' && this.stateValue === 'paused') this.setState(this.heard < 0 ? 'preparing' : 'playing');
    });
    this.queue.on('error', (err) => this.fail(err));
    this.queue.done.then(
      (end) => {
        if (end === 'completed') this.finish('ended');
      },
      () => undefined, // reported through 'error'
    );
  }

  get state(): SessionState {
    return this.stateValue;
  }

  /** Index of the segment being heard, -1 before the first audio. */
  get currentSegment(): number {
    return this.heard;
  }

  get segmentCount(): number {
    return this.opts.segments.length;
  }

  /** The pid of the current player process (streaming players), for diagnostics and tests. */
  get playerPid(): number | undefined {
    return (this.sink as { pid?: number } | undefined)?.pid;
  }

  get speed(): number {
    return this.queue.speed;
  }

  /** The sample being heard, counted in source (1×) audio from the start of the reading. */
  get positionSamples(): number {
    return Math.round(this.queue.positionSeconds * DEFAULT_SAMPLE_RATE);
  }

  /** Samples synthesized so far (pauses included). */
  get synthesizedSamples(): number {
    return this.queue.appendedSamples;
  }

  start(): void {
    void this.synthesisLoop();
  }

  /** What it did: 'resumed', 'paused', or undefined when there was nothing to pause yet (or it is over). */
  togglePause(): 'paused' | 'resumed' | undefined {
    if (this.isOver()) return undefined;
    if (this.queue.state === 'paused') {
      this.queue.resume();
      return 'resumed';
    }
    if (this.stateValue === 'preparing' && this.queue.state === 'idle') return undefined; // nothing queued yet
    this.queue.pause();
    return 'paused';
  }

  pause(): void {
    this.queue.pause();
  }

  resume(): void {
    this.queue.resume();
  }

  /** Jumps to the next sentence: from generated audio when there is some, else synthesis skips ahead. */
  next(): boolean {
    if (this.isOver()) return false;
    const target = Math.max(this.heard, 0) + 1;
    if (target >= this.opts.segments.length) return false;
    if (!this.queue.next()) return false;
    if (target > this.synthIndex) {
      this.skipTo = target;
      this.handle?.cancel();
    }
    return true;
  }

  previous(): boolean {
    if (this.isOver()) return false;
    return this.queue.previous();
  }

  setSpeed(speed: number): void {
    if (!this.isOver()) this.queue.setSpeed(speed);
  }

  /** Silences the player and cancels the engine request; resolves when the player process is gone. */
  async stop(): Promise<void> {
    if (this.isOver()) return;
    this.stopping = true;
    this.handle?.cancel();
    await this.queue.stop();
    this.finish('stopped');
  }

  private isOver(): boolean {
    return this.stateValue === 'stopped' || this.stateValue === 'ended' || this.stateValue === 'failed';
  }

  private async synthesisLoop(): Promise<void> {
    const { segments, engine, synthesis, log } = this.opts;
    let i = 0;
    while (i < segments.length) {
      this.synthIndex = i;
      await this.queue.waitUntilWanted(i);
      if (this.stopping || this.isOver()) return;
      if (this.skipTo !== undefined) {
        i = Math.max(i, this.skipTo);
        this.skipTo = undefined;
        if (i >= segments.length) break;
        this.synthIndex = i;
      }
      const seg = segments[i]!;
      const h = engine.synthesize(seg.text, synthesis);
      this.handle = h;
      const marks = new RequestMarks();
      let stats: ChunkStats | undefined;
      try {
        for await (const c of h) {
          const placed = marks.place(c);
          const words = placed.marks.map((m) => ({ id: `${i}:${m.key}`, phase: m.phase, offset: m.at - placed.itemStart, span: sourceRange(seg, m.sourceStart, m.sourceEnd) }));
          this.queue.append({ id: `${i}:${c.seq}`, pcm: c.pcm, span: { start: seg.start, end: seg.end }, segmentIndex: i, words });
        }
        stats = await h.done;
      } catch (err) {
        if (this.stopping || this.isOver()) return;
        if (isCancelled(err) && this.skipTo !== undefined) continue; // next() skipped past this one
        if (err instanceof EngineError && (err.code === 'NOTHING_SPEAKABLE' || err.code === 'EMPTY_TEXT')) {
          i++;
          continue;
        }
        this.fail(err as Error);
        return;
      } finally {
        this.handle = undefined;
      }
      if (stats) log?.(`segment ${i + 1}/${segments.length}: ${stats.audioSeconds.toFixed(2)} s audio in ${Math.round(stats.wallMs)} ms (first audio ${Math.round(stats.firstAudioMs)} ms, ${stats.realTimeFactor.toFixed(2)}× real time)`);
      if (seg.pauseAfterMs > 0 && i < segments.length - 1) {
        const pause = new Float32Array(Math.round((seg.pauseAfterMs / 1000) * DEFAULT_SAMPLE_RATE));
        this.queue.append({ id: `${i}:pause`, pcm: pause, span: { start: seg.start, end: seg.end }, segmentIndex: i });
      }
      i++;
    }
    if (!this.stopping) this.queue.end();
  }

  private fail(err: Error): void {
    if (this.isOver()) return;
    this.stopping = true;
    this.handle?.cancel();
    void this.queue.stop();
    if (this.listenerCount('error') > 0) this.emit('error', err);
    this.finish('failed');
  }

  private finish(state: SessionState): void {
    if (this.isOver()) return;
    this.setState(state);
    this.settle(state);
  }

  private setState(s: SessionState): void {
    if (s === this.stateValue) return;
    this.stateValue = s;
    this.emit('state', s);
  }
}
