// The contract between the playback queue and whatever makes sound (a player process, the webview player, a test fake).

/** How a sink ended: it played everything, or stop() cut it short. Failures reject instead. */
export type SinkEnd = 'completed' | 'stopped';

export interface AudioSink {
  readonly sampleRate: number;
  readonly paused: boolean;
  /** Queue PCM; resolves once the player accepted it (backpressure). Rejects if the player has failed. */
  write(pcm: Float32Array): Promise<void>;
  pause(): void;
  resume(): void;
  /** Silence now; resolves when the player process is gone. */
  stop(): Promise<void>;
  /** No more input: resolves when everything was played and the player exited 0; rejects on a player failure. */
  finish(): Promise<SinkEnd>;
  /** Estimated sample being heard, counted from this sink's first sample. */
  position(): number;
  /** Samples handed to the player so far. */
  readonly written: number;
  /** Called once if the player fails mid-playback (before or without finish()). */
  onFailure(listener: (err: Error) => void): void;
}

/** A player that exited non-zero or was killed by someone else during playback. */
export class PlayerExitError extends Error {
  override name = 'PlayerExitError';
  constructor(
    /** The player's label (e.g. pacat, "play-sound (play)"). */
    readonly player: string,
    readonly code: number | null,
    readonly signal: NodeJS.Signals | null,
    readonly stderr: string,
  ) {
    const how = code !== null ? `exited with code ${code}` : `was killed by ${signal}`;
    const detail = stderr.trim().split(/\r?\n/).slice(-3).join(' | ');
    super(`Audio player ${player} ${how} during playback${detail ? `: ${detail}` : ''}`);
  }
}

/** Below this fraction of real time a "successful" exit means the audio went nowhere (ALSA null, a broken player). */
export const MIN_REALTIME_FRACTION = 0.5;

/** A player that exited 0 far faster than the audio lasts: it did not really play it. */
export class ImplausiblePlaybackError extends Error {
  override name = 'ImplausiblePlaybackError';
  constructor(readonly player: string, readonly audioMs: number, readonly wallMs: number) {
    super(
      `Audio player ${player} reported success after ${Math.round(wallMs)} ms for ${Math.round(audioMs)} ms of audio, so it did not play in real time (no real output device?)`,
    );
  }
}
