// The package ships no typings; this declares only the surface playSound.ts uses.
declare module 'play-sound' {
  import type { ChildProcess, SpawnOptions } from 'node:child_process';

  interface PlaySoundOptions {
    /** The player to run; when given, play-sound does not search for one (its search runs a shell). */
    player?: string;
    players?: string[];
  }

  interface Play {
    readonly player: string | null;
    /** Spawns `player [...options[player], file]` with stdio ignored; `done` gets null on exit 0 *and* on a signal. */
    play(file: string, options: SpawnOptions & Record<string, unknown>, done: (err: unknown) => void): ChildProcess | null;
  }

  export default function createPlaySound(options?: PlaySoundOptions): Play;
}
