import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { findExecutable, playerFor, PlayerUnavailableError, selectPlayer, type PlayerKind } from '../../src/audio/players';
import { nullSinkUnavailable, startNullSink, type NullSink } from '../helpers/nullSink';

const tmp = mkdtempSync(path.join(tmpdir(), 'pr-players-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

/** A PATH directory holding only the named real tools (symlinked). */
function pathWith(...tools: string[]): string {
  const dir = mkdtempSync(path.join(tmp, 'bin-'));
  for (const t of tools) {
    const real = findExecutable(t);
    if (real) symlinkSync(real, path.join(dir, t));
  }
  return dir;
}

test('findExecutable searches PATH itself and ignores non-executables', () => {
  const dir = mkdtempSync(path.join(tmp, 'exe-'));
  writeFileSync(path.join(dir, 'tool'), '#!/bin/sh\n');
  assert.equal(findExecutable('tool', { PATH: dir }), undefined);
  chmodSync(path.join(dir, 'tool'), 0o755);
  assert.equal(findExecutable('tool', { PATH: `/nonexistent:${dir}` }), path.join(dir, 'tool'));
});

test('no player on PATH → clear message naming what to install', async () => {
  const empty = mkdtempSync(path.join(tmp, 'empty-'));
  await assert.rejects(selectPlayer({ platform: 'linux', env: { PATH: empty } }), (err: Error) => {
    assert.ok(err instanceof PlayerUnavailableError);
    assert.match(err.message, /No audio player found on PATH \(looked for pacat, paplay, aplay, and through play-sound mplayer, play, cvlc, mpv\)/);
    assert.match(err.message, /apt install pulseaudio-utils/);
    return true;
  });
});

test('argument arrays only; PowerShell gets the WAV path as data (env), never in the script', () => {
  const file = "C:\\Users\\o'neil $(rm -rf)\\a b.wav";
  const ps = playerFor('powershell', 'powershell.exe').segmentInvocation(file);
  assert.ok(!ps.args.some((a) => a.includes(file)));
  assert.equal(ps.env?.POCKET_READER_WAV, file);
  assert.deepEqual(playerFor('afplay', '/usr/bin/afplay').segmentInvocation(file).args, [file]);
  assert.deepEqual(playerFor('aplay', '/usr/bin/aplay').streamArgs(24000), ['-q', '-t', 'raw', '-f', 'S16_LE', '-r', '24000', '-c', '1', '-B', '100000', '-']);
  assert.ok(playerFor('pacat', '/usr/bin/pacat').streamArgs(24000).some((a) => a.startsWith('--latency-msec=')));
});

const noPulse = nullSinkUnavailable();
const skipBroken = noPulse ?? (findExecutable('paplay') && findExecutable('pactl') ? undefined : 'paplay/pactl not installed');

test('paplay present but no PulseAudio server → says to start one', { skip: skipBroken }, async () => {
  const env = { PATH: pathWith('paplay', 'pactl'), HOME: tmp, PULSE_SERVER: `unix:${tmp}/no-such.sock` };
  await assert.rejects(selectPlayer({ platform: 'linux', env }), (err: Error) => {
    assert.ok(err instanceof PlayerUnavailableError);
    assert.match(err.message, /paplay cannot reach a PulseAudio\/PipeWire server/);
    assert.match(err.message, /Connection refused|No such file/);
    assert.match(err.message, /pulseaudio --start|pipewire-pulse/);
    return true;
  });
});

test('aplay present but no device/server → the silent test play fails fast with its error', { skip: findExecutable('aplay') ? undefined : 'aplay not installed' }, async () => {
  const env = { PATH: pathWith('aplay'), HOME: tmp, PULSE_SERVER: `unix:${tmp}/no-such.sock` };
  const t0 = performance.now();
  await assert.rejects(selectPlayer({ platform: 'linux', env }), /aplay failed a silent test play \(.+\)/);
  assert.ok(performance.now() - t0 < 2000);
});

describe('with a PulseAudio null sink', { skip: noPulse }, () => {
  let sink: NullSink;
  before(async () => (sink = await startNullSink()));
  after(() => sink?.stop());

  for (const kind of ['pacat', 'paplay', 'aplay'] as PlayerKind[]) {
    test(`${kind} is selected and healthy`, { skip: findExecutable(kind) ? undefined : `${kind} missing` }, async () => {
      const p = await selectPlayer({ platform: 'linux', env: sink.env, prefer: [kind] });
      assert.equal(p.kind, kind);
    });
  }

  test('default preference on Linux is pacat', async () => {
    assert.equal((await selectPlayer({ platform: 'linux', env: sink.env })).kind, 'pacat');
  });
});
