// Spawning and killing player processes. Players are single processes (pacat, aplay, afplay, PowerShell's
// in-process SoundPlayer), so killing the pid is enough on POSIX; on Windows taskkill /T also takes any children.
// No `detached` process group: nothing needs it, and a paused (SIGSTOPped) player in its own session would be out of
// reach of job-control cleanup; instead live players are tracked and killed when Node exits.
import { spawn, type ChildProcess } from 'node:child_process';

const live = new Set<ChildProcess>();
let exitHookInstalled = false;

/** Spawn with argument arrays only, stderr captured, tracked so a normal Node exit never leaves a player behind. */
export function spawnPlayer(command: string, args: string[], env: NodeJS.ProcessEnv, stdin: 'pipe' | 'ignore'): ChildProcess {
  return trackPlayer(spawn(command, args, { env, stdio: [stdin, 'ignore', 'pipe'], windowsHide: true }));
}

/** Kill `child` when Node exits if it is still playing (for players spawned by a library, e.g. play-sound). */
export function trackPlayer(child: ChildProcess): ChildProcess {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', () => {
      for (const c of live) killNow(c);
    });
  }
  live.add(child);
  child.once('exit', () => live.delete(child));
  child.once('error', () => live.delete(child));
  return child;
}

export function isAlive(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null;
}

/** SIGKILL (works on a SIGSTOPped process too); taskkill the tree on Windows. */
export function killNow(child: ChildProcess): void {
  if (!isAlive(child)) return;
  if (process.platform === 'win32' && child.pid !== undefined) {
    spawn('taskkill', ['/pid', String(child.pid), '/T', '/F'], { stdio: 'ignore', windowsHide: true }).on('error', () => {});
  }
  child.kill('SIGKILL');
}

export function exited(child: ChildProcess): Promise<void> {
  if (!isAlive(child)) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.once('error', () => resolve());
  });
}

/** Keep the last few KB of stderr for error messages. */
export function captureStderr(child: ChildProcess): () => string {
  let text = '';
  child.stderr?.on('data', (b: Buffer) => (text = (text + b.toString()).slice(-4000)));
  return () => text;
}
