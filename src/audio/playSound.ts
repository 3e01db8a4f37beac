// The last-resort local player: the play-sound package drives a file player (mplayer, sox `play`, VLC, mpv) on the
// WAV segments of the segment sink, for systems with none of the streaming players. play-sound's own judgement is
// not trusted: it searches for players through a shell, offers MP3-only players (mpg123, mpg321) and
// `powershell <file>` (which runs the file instead of playing it), and its callback reports success when the player
// died of a signal (sox `play` crashes with SIGFPE when there is no sound device). So the executable is found here
// and handed to play-sound, and the sink judges each process by its own exit (code 0, in plausible real time).
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import createPlaySound from 'play-sound';
import type { Player, ProbeResult } from './players';
import { isAlive, killNow, trackPlayer } from './processes';
import { DEFAULT_SAMPLE_RATE, encodeWav } from './wav';

/** WAV-capable file players in play-sound's order (plus mpv), with the flags that keep them quiet and make them exit at the end. */
export const FILE_PLAYERS: ReadonlyArray<{ name: string; args: readonly string[] }> = [
  { name: 'mplayer', args: ['-really-quiet', '-noconsolecontrols', '-nolirc'] },
  { name: 'play', args: ['-q'] },
  { name: 'cvlc', args: ['--play-and-exit', '--quiet'] },
  { name: 'mpv', args: ['--no-video', '--no-terminal', '--really-quiet'] },
];

/** A segment player that runs `command` (one of FILE_PLAYERS, found on PATH) through play-sound. */
export function playSoundPlayer(command: string): Player {
  const name = path.basename(command).replace(/\.exe$/i, '');
  const args = [...(FILE_PLAYERS.find((p) => p.name === name)?.args ?? [])];
  const unsupported = () => {
    throw new Error('play-sound plays files, not stdin');
  };
  return {
    kind: 'play-sound',
    label: `play-sound (${name})`,
    command,
    mode: 'segments',
    // Measured on a PulseAudio null sink: sox play starts sounding ~100–200 ms after spawn.
    outputLatencyMs: 150,
    streamArgs: unsupported,
    segmentInvocation: (file) => ({ args: [...args, file] }),
    spawnSegment: (file, env) => {
      const child = createPlaySound({ player: command }).play(file, { env, [command]: args }, () => {
        // Deliberately ignored: it calls a signal death a success. The sink listens to the process itself.
      });
      if (!child) throw new Error(`play-sound could not start ${name}`);
      return trackPlayer(child);
    },
  };
}

/**
 * A short silent play: a player that fails at once (no device, no server) fails the probe; one still playing after
 * `settleMs`, or done with exit 0, passes (a false "0" is caught later by the sink's real-time check).
 */
export async function probeFilePlayer(player: Player, env: NodeJS.ProcessEnv, settleMs = 400): Promise<ProbeResult> {
  const dir = mkdtempSync(path.join(tmpdir(), 'pocket-reader-probe-'));
  try {
    const file = path.join(dir, 'silence.wav');
    writeFileSync(file, encodeWav(new Float32Array(Math.round(DEFAULT_SAMPLE_RATE * 0.25))));
    let child: ChildProcess;
    try {
      child = player.spawnSegment(file, env);
    } catch (err) {
      return { ok: false, detail: `${player.label} could not start (${(err as Error).message}).` };
    }
    const outcome = await new Promise<{ code: number | null; signal: NodeJS.Signals | null } | { error: string } | undefined>((resolve) => {
      const timer = setTimeout(() => resolve(undefined), settleMs);
      child.once('exit', (code, signal) => (clearTimeout(timer), resolve({ code, signal })));
      child.once('error', (err) => (clearTimeout(timer), resolve({ error: err.message })));
    });
    if (!outcome) {
      if (isAlive(child)) killNow(child);
      return { ok: true };
    }
    if ('error' in outcome) return { ok: false, detail: `${player.label} could not start (${outcome.error}).` };
    if (outcome.code === 0) return { ok: true };
    const how = outcome.code !== null ? `exit code ${outcome.code}` : `killed by ${outcome.signal}`;
    return { ok: false, detail: `${player.label} failed a silent test play (${how}); check that a sound card or a PulseAudio/PipeWire server is available.` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
