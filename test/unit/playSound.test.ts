// play-sound as the last-resort local player: WAV segments through the segment sink, with play-sound's false
// successes caught (a player killed by a signal, a player that "plays" instantly), plus real playback with sox `play`
// through a PulseAudio null sink when both exist.
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import createPlaySound from 'play-sound';
import { findExecutable, playerFor, PlayerUnavailableError, probePlayer, selectPlayer } from '../../src/audio/players';
import { SegmentPlayerSink } from '../../src/audio/segmentSink';
import { ImplausiblePlaybackError, PlayerExitError } from '../../src/audio/sink';
import { decodeWav, encodeWav } from '../../src/audio/wav';
import { nullSinkUnavailable, startNullSink, type NullSink } from '../helpers/nullSink';

const RATE = 24000;
const tmp = mkdtempSync(path.join(tmpdir(), 'pr-playsound-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
const tone = (seconds: number) => Float32Array.from({ length: Math.round(RATE * seconds) }, (_, i) => 0.3 * Math.sin((2 * Math.PI * 440 * i) / RATE));

/** A fake file player named `name` in its own PATH directory; returns its path. */
function fakePlayer(name: string, script: string): string {
  const dir = mkdtempSync(path.join(tmp, 'bin-'));
  const file = path.join(dir, name);
  writeFileSync(file, `#!/bin/sh\n${script}\n`);
  chmodSync(file, 0o755);
  return file;
}

test('selection finds a file player on PATH and drives it through play-sound with quiet, exit-at-end arguments', async () => {
  const log = path.join(tmp, 'args.txt');
  const exe = fakePlayer('play', `printf '%s\\n' "$@" > '${log}'; /bin/cp "$2" '${log}.wav'; /bin/sleep 0.6`);
  const player = await selectPlayer({ platform: 'linux', env: { PATH: path.dirname(exe) } });
  assert.equal(player.kind, 'play-sound');
  assert.equal(player.label, 'play-sound (play)');
  const sink = new SegmentPlayerSink(player, { tmpDir: tmp, env: { PATH: path.dirname(exe) } });
  await sink.write(tone(0.2));
  assert.equal(await sink.finish(), 'completed');
  const args = readFileSync(log, 'utf8').trim().split('\n');
  assert.equal(args[0], '-q');
  assert.match(args[1]!, /seg-1\.wav$/);
  const wav = decodeWav(readFileSync(`${log}.wav`));
  assert.equal(wav.sampleRate, RATE);
  assert.equal(wav.int16.length, RATE * 0.2);
});

test("play-sound calls a player killed by a signal a success; the probe and the sink do not", async () => {
  const exe = fakePlayer('play', 'kill -FPE $$');
  const file = path.join(tmp, 'x.wav');
  writeFileSync(file, encodeWav(tone(0.5)));
  const verdict = await new Promise((resolve) => createPlaySound({ player: exe }).play(file, {}, resolve));
  assert.equal(verdict, null, "play-sound's own callback reports success");

  const player = playerFor('play-sound', exe);
  const probe = await probePlayer(player, { PATH: path.dirname(exe) });
  assert.equal(probe.ok, false);
  assert.match(probe.detail!, /play-sound \(play\) failed a silent test play \(killed by SIGFPE\)/);
  await assert.rejects(selectPlayer({ platform: 'linux', env: { PATH: path.dirname(exe) } }), (err: Error) => {
    assert.ok(err instanceof PlayerUnavailableError);
    assert.match(err.message, /No working audio player: play-sound \(play\) failed a silent test play/);
    return true;
  });

  const sink = new SegmentPlayerSink(player, { tmpDir: tmp });
  await sink.write(tone(1));
  await assert.rejects(sink.finish(), (err: Error) => {
    assert.ok(err instanceof PlayerExitError);
    assert.match(err.message, /Audio player play-sound \(play\) was killed by SIGFPE during playback/);
    return true;
  });
});

test('a file player that exits 0 at once did not play: caught by the real-time check', async () => {
  const exe = fakePlayer('mplayer', 'exit 0');
  const sink = new SegmentPlayerSink(playerFor('play-sound', exe), { tmpDir: tmp });
  await sink.write(tone(1));
  await assert.rejects(sink.finish(), (err: Error) => {
    assert.ok(err instanceof ImplausiblePlaybackError);
    assert.match(err.message, /play-sound \(mplayer\) reported success after \d+ ms for 1000 ms of audio/);
    return true;
  });
});

test('no file player on PATH: the message names the ones looked for', async () => {
  const empty = mkdtempSync(path.join(tmp, 'empty-'));
  await assert.rejects(selectPlayer({ platform: 'linux', env: { PATH: empty }, prefer: ['play-sound'] }), /No audio player found on PATH \(looked for through play-sound mplayer, play, cvlc, mpv\)/);
});

const sox = findExecutable('play');
describe('sox play through play-sound into a PulseAudio null sink', { skip: nullSinkUnavailable() ?? (sox ? undefined : 'sox play not installed') }, () => {
  let ns: NullSink;
  before(async () => (ns = await startNullSink()));
  after(() => ns?.stop());

  test('1.0 s plays in real time, completes, and the clock reaches the end', async (t) => {
    const player = await selectPlayer({ platform: 'linux', env: ns.env, prefer: ['play-sound'] });
    assert.equal(player.label, 'play-sound (play)');
    const sink = new SegmentPlayerSink(player, { env: ns.env, tmpDir: tmp });
    const t0 = performance.now();
    await sink.write(tone(1));
    assert.equal(await sink.finish(), 'completed');
    const wall = performance.now() - t0;
    t.diagnostic(`play-sound (play): 1.0 s of audio → ${wall.toFixed(0)} ms until exit 0`);
    assert.ok(wall >= 900, `finished after only ${wall.toFixed(0)} ms`);
    assert.equal(sink.position(), RATE);
    assert.ok(!existsSync(path.join(tmp, 'seg-1.wav')));
  });
});
