// Between synthesis and the sink. Synthesis appends chunks; the queue feeds the sink (respecting its backpressure),
// tells synthesis when it may run ahead (lookahead in segments), maps the sink's clock back to chunks and words so
// highlight events follow what is *heard*, and keeps recent audio so next()/previous() jump without re-synthesis.
// A jump kills the current sink and starts a fresh one at the target: the old player holds seconds of audio in its pipe.
import { EventEmitter } from 'node:events';
import type { AudioSink, SinkEnd } from './sink';
import { DEFAULT_SAMPLE_RATE } from './wav';
import { WordTrack, type HeardWord, type ItemWord } from './wordTrack';

export type { HeardWord, ItemWord };

/** A word stays highlighted this long after it ends, bridging the short gaps between words. */
const WORD_HOLD_SECONDS = 0.25;

export interface AudioSpan {
  start: number;
  end: number;
}

export interface QueueItem {
  id: string | number;
  pcm: Float32Array;
  /** Source text this audio speaks. */
  span: AudioSpan;
  /** Sentence/paragraph index; next()/previous() jump between segment starts. */
  segmentIndex: number;
  /** Word boundaries (word timing), relative to this item's start. */
  words?: readonly ItemWord[];
}

/** Streaming speed changer (see timeStretch.ts); speed 1 needs none. */
export interface Stretcher {
  process(pcm: Float32Array): Float32Array;
  flush(): Float32Array;
  dispose?(): void;
}

export interface PlaybackQueueOptions {
  createSink: () => AudioSink;
  sampleRate?: number;
  /** Synthesis may run this many segments ahead of the one being heard. */
  lookaheadSegments?: number;
  /** Segments behind the heard one kept for previous(). */
  keepSegments?: number;
  /** Clock polling period for events; 0 disables the timer (call update() yourself). */
  pollMs?: number;
  speed?: number;
  createStretcher?: (speed: number) => Stretcher | Promise<Stretcher>;
}

export interface SegmentEvent {
  segmentIndex: number;
  item: QueueItem;
}

interface Entry {
  item: QueueItem;
  /** Absolute position (input samples, 1× speed) in the whole stream. */
  start: number;
  end: number;
}

export type QueueState = 'idle' | 'playing' | 'paused' | 'stopped' | 'ended';

export interface PlaybackQueue {
  on(event: 'segment', listener: (e: SegmentEvent) => void): this;
  on(event: 'item', listener: (item: QueueItem) => void): this;
  /** The word heard now changed (undefined: none, e.g. between sentences or without word timing). */
  on(event: 'word', listener: (word: HeardWord | undefined) => void): this;
  on(event: 'needMore', listener: () => void): this;
  on(event: 'state', listener: (state: QueueState) => void): this;
  on(event: 'error', listener: (err: Error) => void): this;
}

export class PlaybackQueue extends EventEmitter {
  private readonly rate: number;
  private readonly lookahead: number;
  private readonly keep: number;
  private entries: Entry[] = [];
  private appended = 0;
  private lastSegment = -1;
  private inputEnded = false;
  /** Next entry to feed, and how far into it (after a mid-chunk restart such as a speed change). */
  private feedIndex = 0;
  private feedOffset = 0;
  /** After next() past the generated audio: drop arriving chunks until this segment. */
  private skipBefore: number | undefined;
  private sink: AudioSink | undefined;
  private sinkOrigin = 0;
  private gen = 0;
  private pumping = false;
  private finishing = false;
  private stretcher: Stretcher | undefined;
  private speedValue: number;
  private heardAbs = 0;
  /** Nothing is heard until the sink's clock moves (or a jump sets the position): no segment before that. */
  private positioned = false;
  private heardSegment = -1;
  private heardItem: QueueItem | undefined;
  private readonly words: WordTrack;
  private heardWord: HeardWord | undefined;
  private stateValue: QueueState = 'idle';
  private timer: NodeJS.Timeout | undefined;
  private wanted: Array<{ segment: number; resolve: () => void }> = [];
  private doneSettle!: { resolve: (v: SinkEnd) => void; reject: (e: Error) => void };
  /** Settles when playback completed, was stopped, or failed. */
  readonly done: Promise<SinkEnd>;

  constructor(private readonly opts: PlaybackQueueOptions) {
    super();
    this.rate = opts.sampleRate ?? DEFAULT_SAMPLE_RATE;
    this.lookahead = opts.lookaheadSegments ?? 2;
    this.keep = opts.keepSegments ?? 3;
    this.speedValue = opts.speed ?? 1;
    this.words = new WordTrack(Math.round(WORD_HOLD_SECONDS * this.rate));
    this.done = new Promise((resolve, reject) => (this.doneSettle = { resolve, reject }));
    this.done.catch(() => {});
  }

  get state(): QueueState {
    return this.stateValue;
  }

  get speed(): number {
    return this.speedValue;
  }

  /** The segment being heard (-1 before anything is heard). */
  get currentSegment(): number {
    return this.heardSegment;
  }

  /** Estimated position being heard, in seconds of source (1×) audio since the start of the stream. */
  get positionSeconds(): number {
    return this.heardAbs / this.rate;
  }

  /** Source (1×) samples appended so far. */
  get appendedSamples(): number {
    return this.appended;
  }

  /** Add generated audio. Chunks must arrive in order; segment indices never decrease. */
  append(item: QueueItem): void {
    if (this.stateValue === 'stopped' || this.inputEnded) return;
    this.entries.push({ item, start: this.appended, end: this.appended + item.pcm.length });
    if (item.words) this.words.add(this.appended, item.segmentIndex, item.words);
    this.appended += item.pcm.length;
    this.lastSegment = Math.max(this.lastSegment, item.segmentIndex);
    if (this.stateValue === 'idle') this.setState('playing');
    this.startTimer();
    void this.pump();
  }

  /** No more audio will be appended. */
  end(): void {
    this.inputEnded = true;
    this.releaseWanted(true);
    void this.pump();
  }

  /** True when synthesis may start `segmentIndex` now (it is within the lookahead of what is heard). */
  wants(segmentIndex: number): boolean {
    return this.stateValue !== 'stopped' && !this.inputEnded && segmentIndex - this.anchorSegment() <= this.lookahead;
  }

  /** Resolves when synthesis may start `segmentIndex` (or when the queue stops; check `state`). */
  waitUntilWanted(segmentIndex: number): Promise<void> {
    if (this.wants(segmentIndex) || this.stateValue === 'stopped' || this.inputEnded) return Promise.resolve();
    return new Promise((resolve) => this.wanted.push({ segment: segmentIndex, resolve }));
  }

  pause(): void {
    if (this.stateValue !== 'playing') return;
    this.sink?.pause();
    this.setState('paused');
  }

  resume(): void {
    if (this.stateValue !== 'paused') return;
    this.sink?.resume();
    this.setState('playing');
    void this.pump();
  }

  async stop(): Promise<void> {
    if (this.stateValue === 'stopped') return;
    this.gen++;
    const sink = this.sink;
    this.sink = undefined;
    this.entries = [];
    this.stretcher?.dispose?.();
    this.stretcher = undefined;
    this.stopTimer();
    this.setState('stopped');
    this.releaseWanted(true);
    this.doneSettle.resolve('stopped');
    await sink?.stop();
  }

  /** Jump to the start of the next segment. False if there is none (and none is coming). */
  next(): boolean {
    const target = Math.max(this.heardSegment, 0) + 1;
    if (!this.entries.some((e) => e.item.segmentIndex >= target) && this.inputEnded) return false;
    this.seekToSegment(target);
    return true;
  }

  /** Jump to the start of the previous segment from the buffered audio (the current one if that was dropped). */
  previous(): boolean {
    if (this.heardSegment < 0) return false;
    const kept = this.entries.filter((e) => e.item.segmentIndex < this.heardSegment).pop();
    this.seekToSegment(kept ? kept.item.segmentIndex : this.heardSegment);
    return true;
  }

  /** Change speed (needs createStretcher); playback restarts from what is heard now. */
  setSpeed(speed: number): void {
    if (speed === this.speedValue) return;
    if (speed !== 1 && !this.opts.createStretcher) throw new Error('setSpeed needs a createStretcher option');
    const at = this.heardAbs;
    this.speedValue = speed;
    const idx = this.entries.findIndex((e) => at < e.end);
    if (idx < 0 || this.stateValue === 'stopped' || this.stateValue === 'ended') return;
    this.restartAt(idx, Math.max(0, Math.floor(at - this.entries[idx]!.start)));
  }

  /** Read the sink clock and emit events; runs on a timer unless pollMs is 0. */
  update(): void {
    if (this.stateValue === 'stopped') return;
    if (this.sink) this.heardAbs = Math.max(this.heardAbs, this.sinkOrigin + this.sink.position() * this.speedValue);
    if (this.heardAbs > 0) this.positioned = true;
    const entry = this.positioned ? this.entryAt(this.heardAbs) : undefined;
    if (entry) {
      if (entry.item.segmentIndex !== this.heardSegment) {
        this.heardSegment = entry.item.segmentIndex;
        this.emit('segment', { segmentIndex: this.heardSegment, item: entry.item } satisfies SegmentEvent);
      }
      if (entry.item !== this.heardItem) {
        this.heardItem = entry.item;
        this.emit('item', entry.item);
      }
    }
    const word = entry && this.heardAbs < entry.end ? this.words.at(this.heardAbs, entry.item.segmentIndex) : undefined;
    if (word?.id !== this.heardWord?.id) {
      this.heardWord = word;
      this.emit('word', word);
    }
    this.trim();
    this.releaseWanted(false);
  }

  private anchorSegment(): number {
    return Math.max(this.heardSegment, this.skipBefore ?? 0, 0);
  }

  private seekToSegment(target: number): void {
    if (this.stateValue === 'stopped') return;
    this.positioned = true;
    const idx = this.entries.findIndex((e) => e.item.segmentIndex >= target);
    if (idx >= 0) return this.restartAt(idx, 0);
    this.restartAt(this.entries.length, 0);
    this.skipBefore = target; // not generated yet: start it as soon as it arrives
    this.releaseWanted(false);
  }

  /** Kill the current sink and feed a fresh one from entries[idx] + offset. */
  private restartAt(idx: number, offset: number): void {
    this.gen++;
    const old = this.sink;
    this.sink = undefined;
    void old?.stop();
    this.stretcher?.dispose?.();
    this.stretcher = undefined;
    this.feedIndex = idx;
    this.feedOffset = offset;
    this.skipBefore = undefined;
    this.finishing = false;
    const e = this.entries[idx];
    // Jumps move the clock (backwards too), so the heard position is reset rather than kept monotonic.
    this.heardAbs = e ? e.start + offset : this.appended;
    if (this.stateValue === 'ended') this.setState('playing');
    this.startTimer();
    void this.pump();
    this.update(); // move the highlight at once, not on the next clock tick
  }

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (this.stateValue !== 'stopped' && this.stateValue !== 'ended') {
        const gen = this.gen;
        const e = this.entries[this.feedIndex];
        if (!e) {
          if (this.inputEnded && !this.finishing) await this.finishSink(gen);
          if (gen === this.gen) break;
          continue;
        }
        if (this.skipBefore !== undefined) {
          if (e.item.segmentIndex < this.skipBefore) {
            this.feedIndex++;
            continue;
          }
          this.skipBefore = undefined;
        }
        let sink: AudioSink | undefined;
        try {
          sink = await this.ensureSink(e.start + this.feedOffset, gen);
        } catch (err) {
          // E.g. the time stretcher failed to load: report it instead of stalling in "playing".
          this.fail(err as Error, gen);
          return;
        }
        if (!sink || gen !== this.gen) continue;
        const pcm = this.feedOffset ? e.item.pcm.subarray(this.feedOffset) : e.item.pcm;
        this.feedIndex++;
        this.feedOffset = 0;
        const out = this.stretcher ? this.stretcher.process(pcm) : pcm;
        if (out.length > 0) await sink.write(out).catch((err: Error) => this.fail(err, gen));
      }
    } finally {
      this.pumping = false;
    }
  }

  private async ensureSink(origin: number, gen: number): Promise<AudioSink | undefined> {
    if (this.sink) return this.sink;
    if (this.speedValue !== 1 && !this.stretcher) {
      const st = await this.opts.createStretcher!(this.speedValue);
      if (gen !== this.gen) {
        st.dispose?.();
        return undefined;
      }
      this.stretcher = st;
    }
    const sink = this.opts.createSink();
    sink.onFailure((err) => this.fail(err, gen));
    if (this.stateValue === 'paused') sink.pause();
    this.sink = sink;
    this.sinkOrigin = origin;
    return sink;
  }

  private async finishSink(gen: number): Promise<void> {
    this.finishing = true;
    const sink = this.sink;
    if (sink && this.stretcher) {
      const tail = this.stretcher.flush();
      if (tail.length > 0) await sink.write(tail).catch((err: Error) => this.fail(err, gen));
    }
    let result: SinkEnd = 'completed';
    try {
      if (sink) result = await sink.finish();
    } catch (err) {
      return this.fail(err as Error, gen);
    }
    if (gen !== this.gen || result !== 'completed') return; // superseded by a jump or stopped
    this.heardAbs = this.appended;
    this.update();
    this.stopTimer();
    this.setState('ended');
    this.doneSettle.resolve('completed');
  }

  private fail(err: Error, gen: number): void {
    if (gen !== this.gen || this.stateValue === 'stopped') return;
    if (this.listenerCount('error') > 0) this.emit('error', err);
    this.doneSettle.reject(err);
    void this.stop();
  }

  /** The chunk containing `abs`; past the end of the buffer, the last chunk (the player drained it). */
  private entryAt(abs: number): Entry | undefined {
    const last = this.entries[this.entries.length - 1];
    if (!last || abs < this.entries[0]!.start) return undefined;
    if (abs >= last.end) return last;
    return this.entries.find((e) => abs < e.end);
  }

  /** Drop audio older than `keepSegments` behind the heard segment (never anything not yet fed). */
  private trim(): void {
    let n = 0;
    while (n < this.entries.length && n < this.feedIndex && this.entries[n]!.item.segmentIndex < this.heardSegment - this.keep) n++;
    if (n === 0) return;
    this.entries.splice(0, n);
    this.feedIndex -= n;
    this.words.dropBefore(this.entries[0]?.start ?? this.appended);
  }

  private releaseWanted(all: boolean): void {
    const ready = this.wanted.filter((w) => all || this.wants(w.segment));
    if (ready.length === 0) {
      if (!all && this.wants(this.lastSegment + 1)) this.emitNeedMore();
      return;
    }
    this.wanted = this.wanted.filter((w) => !ready.includes(w));
    for (const w of ready) w.resolve();
    if (!all) this.emitNeedMore();
  }

  private lastNeedMoreFor = -1;
  /** 'needMore' fires once per newly wanted segment, not on every clock tick. */
  private emitNeedMore(): void {
    const segment = this.lastSegment + 1;
    if (segment === this.lastNeedMoreFor || !this.wants(segment)) return;
    this.lastNeedMoreFor = segment;
    this.emit('needMore');
  }

  private setState(s: QueueState): void {
    if (s === this.stateValue) return;
    this.stateValue = s;
    this.emit('state', s);
  }

  private startTimer(): void {
    const ms = this.opts.pollMs ?? 50;
    if (ms <= 0 || this.timer) return;
    this.timer = setInterval(() => this.update(), ms);
  }

  private stopTimer(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}
