// The player view's sink against a stand-in for the page: it counts what the page "played" and reports it the way
// media/pcm-worklet.js does. The sink must stay at most AHEAD_SECONDS ahead of that clock, send copies (never views
// of a larger buffer), follow the page's clock, and end/stop/fail without leaving a writer hanging.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AHEAD_SECONDS, PIECE_SECONDS, ViewAudioError, WebviewSink, type AudioChannel, type ChannelMessage, type StreamEvents } from '../../src/audio/webviewSink';

const RATE = 24000;

class FakePage implements AudioChannel {
  readonly sent: ChannelMessage[] = [];
  readonly streams = new Map<number, StreamEvents>();
  queued = 0;
  played = 0;
  private ending = false;
  private next = 1;
  openStream(events: StreamEvents): number {
    this.streams.set(this.next, events);
    return this.next++;
  }
  closeStream(stream: number): void {
    this.streams.delete(stream);
  }
  send(m: ChannelMessage): void {
    this.sent.push(m);
    if (m.type === 'pcm') this.queued += m.pcm.length;
    if (m.type === 'end') this.ending = true;
  }
  /** Plays `samples` of what was queued and reports like the worklet. */
  play(samples: number): void {
    this.played = Math.min(this.queued, this.played + samples);
    const ended = this.ending && this.played === this.queued;
    for (const s of this.streams.values()) s.clock(this.played, ended);
  }
  pcm(): Float32Array[] {
    return this.sent.flatMap((m) => (m.type === 'pcm' ? [m.pcm] : []));
  }
}

const tick = () => new Promise((r) => setImmediate(r));

test('sends at most AHEAD_SECONDS ahead of what the page played, in owned pieces of ≤ PIECE_SECONDS', async () => {
  const page = new FakePage();
  const sink = new WebviewSink(page, RATE);
  const big = new Float32Array(RATE * 3).map((_, i) => Math.sin(i / 10));
  let done = false;
  const writing = sink.write(big.subarray(RATE / 2)).then(() => (done = true)); // a view into a larger buffer
  await tick();
  assert.equal(page.queued, AHEAD_SECONDS * RATE, 'stopped at the lead limit');
  assert.equal(done, false, 'the write waits for the page');
  for (const p of page.pcm()) {
    assert.ok(p.length <= PIECE_SECONDS * RATE);
    assert.equal(p.byteOffset, 0);
    assert.equal(p.buffer.byteLength, p.length * 4, 'a copy, not a view of the whole buffer');
  }
  page.play(RATE * 0.25);
  await tick();
  assert.ok(page.queued - page.played <= AHEAD_SECONDS * RATE && page.queued > AHEAD_SECONDS * RATE);
  while (!done) {
    page.play(RATE * 0.1);
    await tick();
  }
  await writing;
  assert.equal(sink.written, RATE * 2.5);
  const all = Float32Array.from(page.pcm().flatMap((p) => [...p]));
  assert.deepEqual(all, big.subarray(RATE / 2), 'every sample, in order');
  assert.ok(page.sent.every((m) => !('stream' in m) || m.stream === 1));
});

test("position follows the page's played count, never past what was sent; finish waits for the page's end", async () => {
  const page = new FakePage();
  const sink = new WebviewSink(page, RATE);
  await sink.write(new Float32Array(RATE * 0.3));
  assert.equal(sink.position(), 0, 'nothing heard while the page has not played');
  page.play(RATE * 0.1);
  assert.equal(sink.position(), RATE * 0.1);
  let result: string | undefined;
  const finishing = sink.finish().then((r) => (result = r));
  await tick();
  assert.deepEqual(page.sent.at(-1), { type: 'end', stream: 1 });
  assert.equal(result, undefined, 'not done while audio is still playing');
  page.play(RATE);
  await finishing;
  assert.equal(result, 'completed');
  assert.equal(sink.position(), RATE * 0.3);
});

test('pause and resume reach the page; stop flushes it and releases a waiting writer', async () => {
  const page = new FakePage();
  const sink = new WebviewSink(page, RATE);
  sink.pause();
  sink.pause();
  sink.resume();
  assert.deepEqual(page.sent.slice(1).map((m) => m.type), ['pause', 'resume']);
  const writing = sink.write(new Float32Array(RATE * 2));
  await tick();
  const finished = sink.finish();
  await sink.stop();
  await writing;
  assert.equal(await finished, 'stopped');
  assert.deepEqual(page.sent.at(-1), { type: 'stop', stream: 1 });
  assert.equal(page.streams.size, 0, 'the stream is closed');
  await sink.write(new Float32Array(100)); // after stop: dropped, not an error
  assert.equal(sink.written, AHEAD_SECONDS * RATE);
});

test('a closed view ends the sink as stopped; a view that cannot play fails it', async () => {
  const closed = new FakePage();
  const a = new WebviewSink(closed, RATE);
  const w = a.write(new Float32Array(RATE));
  await tick();
  closed.streams.get(1)!.gone();
  await w;
  assert.equal(await a.finish(), 'stopped');

  const broken = new FakePage();
  const b = new WebviewSink(broken, RATE);
  const failures: Error[] = [];
  b.onFailure((e) => failures.push(e));
  const pending = b.write(new Float32Array(RATE));
  await tick();
  broken.streams.get(1)!.gone(new ViewAudioError('AudioWorklet is not available'));
  await assert.rejects(pending, /the player view cannot play audio: AudioWorklet is not available/);
  await assert.rejects(b.finish(), ViewAudioError);
  assert.equal(failures.length, 1);
});

test('each sink is its own stream; reports for another stream are not its clock', async () => {
  const page = new FakePage();
  const first = new WebviewSink(page, RATE);
  await first.stop();
  const second = new WebviewSink(page, RATE);
  assert.deepEqual(page.sent.filter((m) => m.type === 'open'), [{ type: 'open', stream: 1 }, { type: 'open', stream: 2 }]);
  await second.write(new Float32Array(RATE * 0.2));
  page.play(RATE * 0.2);
  assert.equal(first.position(), 0);
  assert.equal(second.position(), RATE * 0.2);
});
