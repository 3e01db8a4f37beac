import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { PlaybackQueue, type HeardWord, type ItemWord, type QueueItem, type SegmentEvent, type Stretcher } from '../../src/audio/playbackQueue';
import { createPlayerSink } from '../../src/audio/playerSink';
import { findExecutable, playerFor } from '../../src/audio/players';
import type { AudioSink, SinkEnd } from '../../src/audio/sink';
import { TimeStretcher } from '../../src/audio/timeStretch';
import { nullSinkUnavailable, startNullSink, type NullSink } from '../helpers/nullSink';

const RATE = 24000;
const FRAME = 1920;

/** A sink whose clock the test moves by hand; optional capacity makes write() block (backpressure). */
class FakeSink implements AudioSink {
  readonly sampleRate = RATE;
  paused = false;
  stopped = false;
  finishing = false;
  written = 0;
  pos = 0;
  data: number[] = [];
  private waiters: Array<() => void> = [];
  private endResolve: ((v: SinkEnd) => void) | undefined;
  private failure: ((e: Error) => void) | undefined;
  constructor(private readonly capacity = Infinity) {}
  write(pcm: Float32Array): Promise<void> {
    this.written += pcm.length;
    this.data.push(...pcm.slice(0, 1)); // first sample of each chunk identifies it
    if (this.written - this.pos <= this.capacity || this.stopped) return Promise.resolve();
    return new Promise((r) => this.waiters.push(r));
  }
  pause() { this.paused = true; }
  resume() { this.paused = false; }
  async stop() {
    this.stopped = true;
    this.release();
    this.endResolve?.('stopped');
  }
  finish(): Promise<SinkEnd> {
    this.finishing = true;
    return new Promise((r) => {
      this.endResolve = r;
      this.check();
    });
  }
  position() { return this.pos; }
  onFailure(l: (e: Error) => void) { this.failure = l; }
  advance(samples: number) {
    if (this.paused || this.stopped) return;
    this.pos = Math.min(this.written, this.pos + samples);
    if (this.written - this.pos <= this.capacity) this.release();
    this.check();
  }
  fail(e: Error) { this.failure?.(e); }
  private release() { for (const w of this.waiters.splice(0)) w(); }
  private check() { if (this.finishing && this.pos >= this.written) this.endResolve?.('completed'); }
}

/** Segment s, chunk c: constant value s*10+c+1 so the sink's data says what it got. */
function item(s: number, c: number, frames = 3): QueueItem {
  return { id: `${s}.${c}`, pcm: new Float32Array(FRAME * frames).fill(s * 10 + c + 1), span: { start: s * 100 + c * 10, end: s * 100 + c * 10 + 10 }, segmentIndex: s };
}

function setup(opts: Partial<ConstructorParameters<typeof PlaybackQueue>[0]> = {}, capacity = Infinity) {
  const sinks: FakeSink[] = [];
  const q = new PlaybackQueue({ createSink: () => (sinks.push(new FakeSink(capacity)), sinks.at(-1)!), pollMs: 0, ...opts });
  const segments: number[] = [];
  q.on('segment', (e: SegmentEvent) => segments.push(e.segmentIndex));
  return { q, sinks, segments, sink: () => sinks.at(-1)! };
}
const tick = () => new Promise((r) => setImmediate(r));
const CHUNK = FRAME * 3;

test('segment events follow the clock, not when audio was written', async () => {
  const { q, sink, segments } = setup();
  for (const s of [0, 1, 2]) for (const c of [0, 1]) q.append(item(s, c));
  await tick();
  assert.equal(sink().written, 6 * CHUNK); // all fed already
  q.update();
  assert.deepEqual(segments, [], 'nothing is heard before the clock moves');
  sink().advance(1);
  q.update();
  assert.deepEqual(segments, [0]);
  sink().advance(CHUNK * 2 - 2);
  q.update();
  assert.deepEqual(segments, [0]);
  sink().advance(1);
  q.update();
  assert.deepEqual(segments, [0, 1]);
  assert.equal(q.currentSegment, 1);
});

test('next() and previous() jump between segment starts using buffered audio (no re-synthesis)', async () => {
  const { q, sinks, sink, segments } = setup();
  for (const s of [0, 1, 2, 3]) for (const c of [0, 1]) q.append(item(s, c));
  await tick();
  sink().advance(1);
  q.update();
  sink().advance(CHUNK * 3 - 1); // hearing segment 1, chunk 1
  q.update();
  assert.equal(q.currentSegment, 1);

  assert.ok(q.next());
  await tick();
  assert.equal(q.currentSegment, 2);
  assert.ok(sinks[0]!.stopped, 'old player killed');
  assert.deepEqual(sink().data, [21, 22, 31, 32], 'new player starts at segment 2');

  assert.ok(q.previous());
  await tick();
  assert.equal(q.currentSegment, 1);
  assert.deepEqual(sink().data, [11, 12, 21, 22, 31, 32]);
  assert.ok(q.previous());
  await tick();
  assert.equal(q.currentSegment, 0);
  assert.deepEqual(sink().data.slice(0, 2), [1, 2]);
  assert.deepEqual(segments, [0, 1, 2, 1, 0]);
  assert.equal(sinks.length, 4);
});

test('previous() falls back to the current segment start when older audio was dropped (keepSegments)', async () => {
  const { q, sink } = setup({ keepSegments: 1 });
  for (const s of [0, 1, 2, 3]) q.append(item(s, 0));
  await tick();
  sink().advance(CHUNK * 3 + 100); // hearing segment 3; keeps 2, drops 0 and 1
  q.update();
  assert.equal(q.currentSegment, 3);
  q.previous();
  await tick();
  assert.equal(q.currentSegment, 2);
  q.previous(); // segment 1 is gone: restart segment 2
  await tick();
  assert.equal(q.currentSegment, 2);
  assert.deepEqual(sink().data, [21, 31]);
});

test('next() past the generated audio waits for that segment and skips stale chunks', async () => {
  const { q, sink } = setup();
  q.append(item(0, 0));
  q.append(item(1, 0));
  await tick();
  assert.ok(q.next()); // to segment 1 (buffered)
  await tick();
  assert.ok(q.next()); // to segment 2 (not generated yet)
  await tick();
  q.append(item(1, 1)); // late chunk of segment 1: skipped
  q.append(item(2, 0));
  await tick();
  assert.deepEqual(sink().data, [21]);
  q.update();
  assert.equal(q.currentSegment, 2);
  q.end();
  assert.equal(q.next(), false, 'nothing after the last segment');
});

test('lookahead: synthesis may run only N segments ahead of what is heard', async () => {
  const { q, sink } = setup({ lookaheadSegments: 2 });
  let needMore = 0;
  q.on('needMore', () => needMore++);
  assert.ok(q.wants(0) && q.wants(2));
  assert.ok(!q.wants(3));
  for (const s of [0, 1, 2]) q.append(item(s, 0));
  let released = false;
  const waiting = q.waitUntilWanted(3).then(() => (released = true));
  await tick();
  q.update();
  assert.equal(released, false);
  sink().advance(CHUNK); // now hearing segment 1
  q.update();
  await waiting;
  assert.equal(released, true);
  assert.ok(needMore >= 1);
  assert.ok(!q.wants(4));
});

test('backpressure: the queue waits for the sink instead of buffering everything into it', async () => {
  const { q, sink } = setup({}, CHUNK * 2);
  for (let s = 0; s < 6; s++) q.append(item(s, 0));
  await tick();
  assert.equal(sink().written, CHUNK * 3); // third write blocks
  sink().advance(CHUNK);
  await tick();
  assert.equal(sink().written, CHUNK * 4);
});

test('pause/resume reach the sink; stop ends everything', async () => {
  const { q, sink } = setup();
  q.append(item(0, 0));
  await tick();
  q.pause();
  assert.ok(sink().paused);
  assert.equal(q.state, 'paused');
  q.resume();
  assert.ok(!sink().paused);
  await q.stop();
  assert.ok(sink().stopped);
  assert.equal(await q.done, 'stopped');
  q.append(item(1, 0)); // ignored
  assert.equal(sink().written, CHUNK);
});

test('end of input drains the sink, emits the last segment and resolves done', async () => {
  const { q, sink, segments } = setup();
  q.append(item(0, 0));
  q.append(item(1, 0));
  q.end();
  await tick();
  sink().advance(1);
  q.update();
  sink().advance(CHUNK * 2 - 1);
  assert.equal(await q.done, 'completed');
  assert.equal(q.state, 'ended');
  assert.deepEqual(segments, [0, 1]);
});

test('a failing player surfaces as an error event and rejects done', async () => {
  const { q, sink } = setup();
  const errors: Error[] = [];
  q.on('error', (e) => errors.push(e));
  q.append(item(0, 0));
  await tick();
  sink().fail(new Error('player exited with code 3'));
  await assert.rejects(q.done, /code 3/);
  assert.equal(errors.length, 1);
  assert.equal(q.state, 'stopped');
});

test('speed: audio goes through the stretcher and the clock maps back to source time', async () => {
  const halve: Stretcher = { process: (p) => p.filter((_, i) => i % 2 === 0), flush: () => new Float32Array(0) };
  const { q, sink } = setup({ speed: 2, createStretcher: () => halve });
  for (const s of [0, 1, 2]) q.append(item(s, 0));
  await tick();
  await tick();
  assert.equal(sink().written, (CHUNK * 3) / 2);
  sink().advance(CHUNK / 2); // half a chunk of output = one chunk of source
  q.update();
  assert.equal(q.currentSegment, 1);
  q.setSpeed(1);
  await tick();
  assert.equal(sink().written, CHUNK * 2, 'restarted at 1× from the heard position');
});

test('the word heard follows the clock: marks from later chunks, short gaps bridged, none between sentences, speed', async () => {
  const halve: Stretcher = { process: (p) => p.filter((_, i) => i % 2 === 0), flush: () => new Float32Array(0) };
  const { q, sink } = setup({ createStretcher: () => halve });
  const heard: (string | undefined)[] = [];
  q.on('word', (w: HeardWord | undefined) => heard.push(w && `${w.id}@${w.span.start}`));
  const w = (id: string, phase: 'start' | 'end', offset: number): ItemWord => ({ id, phase, offset, span: { start: Number(id.at(-1)) * 10, end: Number(id.at(-1)) * 10 + 5 } });
  // Sentence 0: two chunks; word 1 ends and word 2 is (estimated) with the second chunk, word 2 starting in the first.
  q.append({ ...item(0, 0), words: [w('0:0', 'start', 0), w('0:0', 'end', 2000), w('0:1', 'start', 2000)] });
  q.append({ ...item(0, 1), words: [w('0:1', 'end', -700), w('0:2', 'start', -500), w('0:2', 'end', 1000)] });
  q.append({ id: 'pause', pcm: new Float32Array(CHUNK), span: { start: 0, end: 10 }, segmentIndex: 0 });
  q.append({ ...item(1, 0), words: [w('1:3', 'start', 100), w('1:3', 'end', 3000), w('1:4', 'start', 3300)] });
  await tick();
  const at = (pos: number) => (sink().advance(pos - sink().pos), q.update());
  at(0); // nothing is heard before the clock moves
  at(10);
  at(2100); // word 1
  at(CHUNK - 500 + 10); // word 2 started in the first chunk's audio (its mark came with the second)
  at(CHUNK + 1000 + 3000); // word 2 ended 3000 samples ago: within the hold, still shown
  at(CHUNK + 1000 + 6100); // past the hold: nothing
  at(3 * CHUNK + 50); // the next sentence, before its first word
  at(3 * CHUNK + 150);
  assert.deepEqual(heard, ['0:0@0', '0:1@10', '0:2@20', undefined, '1:3@30']);
  // At 2× the word still follows source time: 1600 samples of output later is 3200 samples of source later.
  q.setSpeed(2);
  await tick();
  sink().advance(1600);
  q.update();
  assert.deepEqual(heard.slice(5), ['1:4@40']);
});

describe('with a real player on a PulseAudio null sink', { skip: nullSinkUnavailable() }, () => {
  let ns: NullSink;
  before(async () => (ns = await startNullSink()));
  after(() => ns?.stop());

  test('segment events arrive in real time; next() kills the player and jumps; speed 2× via Sonic', async () => {
    const player = playerFor('pacat', findExecutable('pacat')!);
    const q = new PlaybackQueue({ createSink: () => createPlayerSink(player, { env: ns.env }), pollMs: 20, speed: 2, createStretcher: (s) => TimeStretcher.create(s) });
    const seen: Array<[number, number]> = [];
    const t0 = performance.now();
    q.on('segment', (e: SegmentEvent) => seen.push([e.segmentIndex, performance.now() - t0]));
    const tone = (seconds: number, hz: number) => Float32Array.from({ length: RATE * seconds }, (_, i) => 0.3 * Math.sin((2 * Math.PI * hz * i) / RATE));
    for (let s = 0; s < 4; s++) {
      const pcm = tone(0.8, 300 + 100 * s);
      for (let i = 0; i < pcm.length; i += CHUNK) q.append({ id: `${s}:${i}`, pcm: pcm.subarray(i, i + CHUNK), span: { start: s, end: s + 1 }, segmentIndex: s });
    }
    // Nothing is heard before Sonic loads and the player starts; on a busy machine the first poll may already be past 0.
    for (let i = 0; i < 150 && q.currentSegment < 0; i++) await new Promise((r) => setTimeout(r, 20));
    const first = q.currentSegment;
    assert.ok(first === 0 || first === 1, `first heard segment ${first}`);
    q.next();
    assert.equal(q.currentSegment, first + 1);
    q.end();
    assert.equal(await q.done, 'completed');
    const at = Object.fromEntries(seen.map(([s, t]) => [s, t]));
    assert.deepEqual(seen.map(([s]) => s), [0, 1, 2, 3].slice(first));
    // At 2×, 0.8 s segments last ~0.4 s of wall time each.
    const gap = at[3]! - at[2]!;
    assert.ok(gap > 300 && gap < 550, `segment 2→3 took ${gap.toFixed(0)} ms`);
  });
});
