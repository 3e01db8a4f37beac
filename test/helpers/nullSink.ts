// A private PulseAudio daemon with a null sink (recipe §5): players really play, in real time, with no sound card.
// Own HOME/XDG_RUNTIME_DIR in a tmp dir so nothing touches the user's session; stop it by PID.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { findExecutable } from '../../src/audio/players';

export interface NullSink {
  /** Environment for players: PULSE_SERVER plus the private HOME/XDG_RUNTIME_DIR. */
  env: NodeJS.ProcessEnv;
  dir: string;
  stop(): Promise<void>;
}

/** Why the null sink cannot run here, or undefined when it can. Use as `{ skip: nullSinkUnavailable() }`. */
export function nullSinkUnavailable(): string | undefined {
  if (process.platform !== 'linux') return 'null sink tests need Linux + PulseAudio';
  if (!findExecutable('pulseaudio')) return 'pulseaudio is not installed (apt-get install pulseaudio pulseaudio-utils)';
  return undefined;
}

export async function startNullSink(): Promise<NullSink> {
  const reason = nullSinkUnavailable();
  if (reason) throw new Error(reason);
  const dir = mkdtempSync(path.join(tmpdir(), 'pr-pulse-'));
  const home = path.join(dir, 'home');
  const run = path.join(dir, 'run');
  mkdirSync(home);
  mkdirSync(run);
  chmodSync(run, 0o700);
  const sock = path.join(run, 'pa.sock');
  const env: NodeJS.ProcessEnv = { ...process.env, HOME: home, XDG_RUNTIME_DIR: run };
  const pa: ChildProcess = spawn(
    'pulseaudio',
    [
      '-n', '--daemonize=no', '--exit-idle-time=-1', '--use-pid-file=no',
      `--log-target=file:${path.join(dir, 'pa.log')}`,
      '-L', 'module-null-sink sink_name=nullsink rate=48000',
      '-L', `module-native-protocol-unix auth-anonymous=1 socket=${sock}`,
    ],
    { env, stdio: 'ignore' },
  );
  const exited = new Promise<void>((resolve) => pa.once('exit', () => resolve()));
  for (let i = 0; i < 50 && !existsSync(sock); i++) await new Promise((r) => setTimeout(r, 100));
  if (!existsSync(sock)) {
    pa.kill('SIGKILL');
    throw new Error(`pulseaudio did not create ${sock} within 5 s (see ${dir}/pa.log)`);
  }
  return {
    env: { ...env, PULSE_SERVER: `unix:${sock}` },
    dir,
    async stop() {
      if (pa.exitCode === null && pa.signalCode === null) {
        pa.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 2000))]);
        if (pa.exitCode === null && pa.signalCode === null) pa.kill('SIGKILL');
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
