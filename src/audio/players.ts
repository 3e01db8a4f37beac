// Choosing an external audio player per platform. Argument arrays only (never a shell), PATH searched here (no
// `which`), and a health probe, because on a machine without a sound server players fail (or hang) only when used.
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import path from 'node:path';
import { FILE_PLAYERS, playSoundPlayer, probeFilePlayer } from './playSound';
import { spawnPlayer } from './processes';

/** `play-sound`: the last resort, a file player (mplayer, sox play, VLC, mpv) driven through the play-sound package. */
export type PlayerKind = 'pacat' | 'paplay' | 'aplay' | 'afplay' | 'powershell' | 'play-sound';

/** How PCM reaches the player: raw s16le on stdin, or one temp WAV file per process (afplay/PowerShell cannot stream). */
export type PlayerMode = 'stdin' | 'segments';

export interface Player {
  kind: PlayerKind;
  /** For messages: the kind, or "play-sound (mplayer)". */
  label: string;
  /** Absolute path of the executable. */
  command: string;
  mode: PlayerMode;
  /** Assumed delay between writing a sample and hearing it; the sink's clock subtracts it. */
  outputLatencyMs: number;
  /** Arguments for streaming (`stdin`) players. */
  streamArgs(sampleRate: number): string[];
  /** Arguments and extra env for one WAV segment (`segments` players). */
  segmentInvocation(file: string): { args: string[]; env?: NodeJS.ProcessEnv };
  /** Starts the process for one WAV segment (`segments` players); the sink judges it by its exit event. */
  spawnSegment(file: string, env: NodeJS.ProcessEnv): ChildProcess;
}

export const DEFAULT_PULSE_LATENCY_MS = 60;
export const DEFAULT_ALSA_BUFFER_US = 100_000;

/** Raised when no usable player exists; `message` says what to install or start. */
export class PlayerUnavailableError extends Error {
  override name = 'PlayerUnavailableError';
  constructor(
    message: string,
    readonly problems: string[] = [],
    /** The setting that chose this player, when the user picked one (the message then offers to change it). */
    readonly setting?: string,
  ) {
    super(message);
  }
}

/** Find an executable on PATH (and PATHEXT on Windows) without a shell. */
export function findExecutable(name: string, env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string | undefined {
  const win = platform === 'win32';
  const get = (key: string) => (win ? Object.entries(env).find(([k]) => k.toUpperCase() === key)?.[1] : env[key]);
  const dirs = (get('PATH') ?? '').split(win ? ';' : ':').filter(Boolean);
  const exts = win ? ['', ...(get('PATHEXT') ?? '.EXE;.CMD;.BAT;.COM').split(';').filter(Boolean)] : [''];
  for (const dir of dirs) {
    for (const ext of exts) {
      const file = (win ? path.win32 : path.posix).join(dir, name + ext);
      try {
        if (!statSync(file).isFile()) continue;
        if (!win) accessSync(file, constants.X_OK);
        return file;
      } catch {
        // not here; keep looking
      }
    }
  }
  return undefined;
}

// PowerShell appends any extra -Command arguments to the script text, so a path passed that way would be parsed as
// code. The path therefore travels in an environment variable, which PowerShell only ever treats as data.
const PS_SCRIPT = "$ErrorActionPreference='Stop'; (New-Object Media.SoundPlayer $env:POCKET_READER_WAV).PlaySync()";

function makePlayer(kind: PlayerKind, command: string): Player {
  if (kind === 'play-sound') return playSoundPlayer(command);
  const rawPulse = (rate: number) => ['--raw', '--format=s16le', `--rate=${rate}`, '--channels=1', '--client-name=Pocket Reader'];
  const noSegments = () => {
    throw new Error(`${kind} streams from stdin`);
  };
  const noStream = () => {
    throw new Error(`${kind} plays files, not stdin`);
  };
  const segmentPlayer = (outputLatencyMs: number, segmentInvocation: Player['segmentInvocation']): Player => ({
    kind, label: kind, command, mode: 'segments', outputLatencyMs, streamArgs: noStream, segmentInvocation,
    spawnSegment: (file, env) => {
      const inv = segmentInvocation(file);
      return spawnPlayer(command, inv.args, { ...env, ...inv.env }, 'ignore');
    },
  });
  switch (kind) {
    // Measured through a PulseAudio null sink: after SIGSTOP the server keeps playing what it buffered, 35 ms with
    // --latency-msec=60 but 830 ms with paplay's default; aplay's default buffer gave 460 ms, -B 100000 gave 50 ms.
    // Small buffers keep pause (and the clock) tight.
    case 'pacat':
    case 'paplay':
      return {
        kind, label: kind, command, mode: 'stdin', outputLatencyMs: 50,
        streamArgs: (rate) => [...(kind === 'pacat' ? ['--playback'] : []), ...rawPulse(rate), `--latency-msec=${DEFAULT_PULSE_LATENCY_MS}`],
        segmentInvocation: noSegments, spawnSegment: noSegments,
      };
    case 'aplay':
      return {
        kind, label: kind, command, mode: 'stdin', outputLatencyMs: 60,
        streamArgs: (rate) => ['-q', '-t', 'raw', '-f', 'S16_LE', '-r', String(rate), '-c', '1', '-B', String(DEFAULT_ALSA_BUFFER_US), '-'],
        segmentInvocation: noSegments, spawnSegment: noSegments,
      };
    case 'afplay':
      return segmentPlayer(80, (file) => ({ args: [file] }));
    case 'powershell':
      return segmentPlayer(300, (file) => ({
        args: ['-NoProfile', '-NonInteractive', '-ExecutionPolicy', 'Bypass', '-Command', PS_SCRIPT],
        env: { POCKET_READER_WAV: file },
      }));
  }
}

/** Candidate (kind, executable name) pairs in order of preference: the platform's players, then play-sound's. */
export function candidatePlayers(platform: NodeJS.Platform = process.platform): Array<[PlayerKind, string]> {
  const filePlayers = FILE_PLAYERS.map((p): [PlayerKind, string] => ['play-sound', p.name]);
  if (platform === 'darwin') return [['afplay', 'afplay'], ...filePlayers];
  if (platform === 'win32') return [['powershell', 'powershell'], ['powershell', 'pwsh'], ...filePlayers];
  return [['pacat', 'pacat'], ['paplay', 'paplay'], ['aplay', 'aplay'], ...filePlayers];
}

function installHint(platform: NodeJS.Platform): string {
  if (platform === 'darwin') return 'afplay ships with macOS; check that /usr/bin is on PATH.';
  if (platform === 'win32') return 'Windows PowerShell (powershell.exe) is needed; check that it is on PATH.';
  return 'Install PulseAudio/PipeWire tools (Debian/Ubuntu: sudo apt install pulseaudio-utils) or ALSA tools (sudo apt install alsa-utils).';
}

/** "pacat, paplay, aplay, and through play-sound mplayer, play, …" */
function lookedFor(candidates: Array<[PlayerKind, string]>): string {
  const names = (file: boolean) => [...new Set(candidates.filter(([k]) => (k === 'play-sound') === file).map(([, exe]) => exe))].join(', ');
  return [names(false), names(true) && `through play-sound ${names(true)}`].filter(Boolean).join(', and ');
}

export interface ProbeResult {
  ok: boolean;
  detail?: string;
}

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
  timedOut: boolean;
}

/** Run a command with optional stdin, killing it after `timeoutMs`. Never uses a shell. */
export function runWithTimeout(command: string, args: string[], opts: { env?: NodeJS.ProcessEnv; input?: Buffer; timeoutMs: number }): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { env: opts.env, stdio: ['pipe', 'ignore', 'pipe'], windowsHide: true });
    let stderr = '';
    let timedOut = false;
    child.stderr!.on('data', (b: Buffer) => (stderr = (stderr + b.toString()).slice(-2000)));
    child.stdin!.on('error', () => {}); // EPIPE when the player dies early; the exit code tells the story
    child.stdin!.end(opts.input ?? Buffer.alloc(0));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, opts.timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      resolve({ code: null, signal: null, stderr: String(err.message), timedOut: false });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stderr: stderr.trim(), timedOut });
    });
  });
}

// The last stderr line is the player's own verdict (ALSA prints config noise before it).
const lastLine = (s: string) => s.split(/\r?\n/).filter((l) => l.trim()).pop()?.trim() ?? '';

/**
 * Is this player able to produce sound right now? Broken setups fail within milliseconds (no server, no device),
 * so a short silent play that is still running after `settleMs` counts as healthy and is killed; on a null sink even
 * 20 ms of audio takes ~2 s to drain, so waiting for the exit would make every start slow.
 */
export async function probePlayer(player: Player, env: NodeJS.ProcessEnv = process.env, settleMs = 400): Promise<ProbeResult> {
  if (player.kind === 'pacat' || player.kind === 'paplay') {
    const pactl = findExecutable('pactl', env);
    if (pactl) {
      const r = await runWithTimeout(pactl, ['info'], { env, timeoutMs: 3000 });
      if (r.code !== 0) {
        return {
          ok: false,
          detail: `${player.kind} cannot reach a PulseAudio/PipeWire server (${r.timedOut ? 'pactl info timed out' : lastLine(r.stderr) || `pactl exit ${r.code}`}). Start one (pulseaudio --start, or systemctl --user start pipewire-pulse).`,
        };
      }
      return { ok: true };
    }
  }
  if (player.kind === 'play-sound') return probeFilePlayer(player, env, settleMs);
  if (player.mode !== 'stdin') return { ok: true }; // afplay/PowerShell: no cheap silent probe; playback errors are caught
  const silence = Buffer.alloc(Math.round(24000 * 0.02) * 2);
  const r = await runWithTimeout(player.command, player.streamArgs(24000), { env, input: silence, timeoutMs: settleMs });
  if (r.timedOut || r.code === 0) return { ok: true };
  const why = lastLine(r.stderr) || (r.signal ? `killed by ${r.signal}` : `exit code ${r.code}`);
  const hint = player.kind === 'aplay'
    ? 'Check that a sound card or a PulseAudio/PipeWire server is available (aplay -l).'
    : 'Start a PulseAudio/PipeWire server (pulseaudio --start, or systemctl --user start pipewire-pulse).';
  return { ok: false, detail: `${player.kind} failed a silent test play (${why}). ${hint}` };
}

export interface SelectPlayerOptions {
  platform?: NodeJS.Platform;
  env?: NodeJS.ProcessEnv;
  /** Only consider these kinds, in this order. */
  prefer?: PlayerKind[];
  /** Skip the health probe (e.g. when the caller already knows the player works). */
  probe?: boolean;
}

/** The first installed and working player, or a PlayerUnavailableError explaining what to install or start. */
export async function selectPlayer(opts: SelectPlayerOptions = {}): Promise<Player> {
  const platform = opts.platform ?? process.platform;
  const env = opts.env ?? process.env;
  let candidates = candidatePlayers(platform);
  if (opts.prefer) candidates = opts.prefer.flatMap((k) => candidates.filter(([kind]) => kind === k));
  const problems: string[] = [];
  let found = 0;
  for (const [kind, exe] of candidates) {
    const command = findExecutable(exe, env, platform);
    if (!command) continue;
    found++;
    const player = makePlayer(kind, command);
    if (opts.probe === false) return player;
    const health = await probePlayer(player, env);
    if (health.ok) return player;
    problems.push(health.detail ?? `${player.label} is not working`);
  }
  if (found === 0) {
    throw new PlayerUnavailableError(`No audio player found on PATH (looked for ${lookedFor(candidates)}). ${installHint(platform)}`);
  }
  throw new PlayerUnavailableError(`No working audio player: ${problems.join(' ')}`, problems);
}

/** A Player for a given executable, for callers (and tests) that bypass selection. */
export function playerFor(kind: PlayerKind, command: string): Player {
  return makePlayer(kind, command);
}
