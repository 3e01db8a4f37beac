// Where audio plays: the player view when a player process could not reach the user (browser UI, extension on the
// remote side) or no local player works; else the local player. Player availability comes from the real selection
// (selectPlayer over a PATH of fake players), as the extension wires it.
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { PlayerUnavailableError, selectPlayer, type PlayerKind } from '../../src/audio/players';
import { chooseSink, sinkSettings, type Placement } from '../../src/audio/sinkChoice';

const tmp = mkdtempSync(path.join(tmpdir(), 'pr-sinkchoice-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

/** A PATH directory with `name` as a shell script. */
function pathWith(name: string, script: string): string {
  const dir = mkdtempSync(path.join(tmp, 'bin-'));
  writeFileSync(path.join(dir, name), `#!/bin/sh\n${script}\n`);
  chmodSync(path.join(dir, name), 0o755);
  return dir;
}

const working = pathWith('play', 'exec /bin/sleep 2'); // a file player that plays (takes its time) and exits 0
const crashing = pathWith('play', 'kill -FPE $$'); // sox play without a sound device
const empty = mkdtempSync(path.join(tmp, 'empty-'));

const local = (dir: string) => (kind?: PlayerKind) => selectPlayer({ platform: 'linux', env: { PATH: dir }, prefer: kind ? [kind] : undefined });
const here: Placement = { remoteName: undefined, workspaceSide: false, webUi: false, platform: 'linux' };

test('auto in a local desktop window uses a working local player', async () => {
  const c = await chooseSink('auto', here, local(working));
  assert.equal(c.kind, 'player');
  assert.equal(c.kind === 'player' && c.player.label, 'play-sound (play)');
  assert.match(c.reason, /play-sound \(play\) works on this machine/);
});

test('auto in a browser window (uiKind Web) uses the player view without probing players', async () => {
  const c = await chooseSink('auto', { ...here, webUi: true, remoteName: 'codespaces', workspaceSide: true }, local(working));
  assert.deepEqual(c, { kind: 'webview', reason: 'VS Code runs in a browser, so a player process would play on the server' });
});

test('auto with the extension on the remote (workspace) side uses the view; on the UI side of a remote window, the local player', async () => {
  const remote = await chooseSink('auto', { ...here, remoteName: 'ssh-remote', workspaceSide: true }, local(working));
  assert.equal(remote.kind, 'webview');
  assert.match(remote.reason, /remote side \(ssh-remote\)/);
  const uiSide = await chooseSink('auto', { ...here, remoteName: 'ssh-remote', workspaceSide: false }, local(working));
  assert.equal(uiSide.kind, 'player');
});

test('auto with no local player, or only a broken one, falls back to the player view and says why', async () => {
  const none = await chooseSink('auto', here, local(empty));
  assert.equal(none.kind, 'webview');
  assert.match(none.reason, /no local player works \(No audio player found on PATH/);
  const broken = await chooseSink('auto', here, local(crashing));
  assert.equal(broken.kind, 'webview');
  assert.match(broken.reason, /play-sound \(play\) failed a silent test play \(killed by SIGFPE\)/);
});

test('webview is used when asked for, anywhere; an explicit player that does not work is an error, not a fallback', async () => {
  assert.equal((await chooseSink('webview', here, local(working))).kind, 'webview');
  await assert.rejects(chooseSink('pacat', here, local(empty)), (err: Error) => {
    assert.ok(err instanceof PlayerUnavailableError);
    assert.equal(err.setting, 'pocketReader.player', 'the message can offer to change the setting');
    assert.match(err.message, /No audio player found on PATH .*\(chosen by the setting pocketReader.player\)$/);
    return true;
  });
  const explicit = await chooseSink('play-sound', here, local(working));
  assert.equal(explicit.kind, 'player');
  assert.match(explicit.reason, /pocketReader.player is "play-sound"/);
});

test('unknown or other-platform players are refused with the valid values', async () => {
  assert.deepEqual(sinkSettings('linux'), ['auto', 'webview', 'pacat', 'paplay', 'aplay', 'play-sound']);
  assert.deepEqual(sinkSettings('darwin'), ['auto', 'webview', 'afplay', 'play-sound']);
  for (const bad of ['no-such-player', 'afplay']) {
    await assert.rejects(chooseSink(bad, here, local(working)), (err: Error) => {
      assert.ok(err instanceof PlayerUnavailableError);
      assert.match(err.message, new RegExp(`"${bad}" \\(setting pocketReader.player\\) is not supported here; use one of: auto, webview, pacat, paplay, aplay, play-sound`));
      assert.equal((err as PlayerUnavailableError).setting, 'pocketReader.player');
      return true;
    });
  }
});
