// Messages between the extension and the player view (media/player.js, which mirrors these shapes). PCM travels as
// Float32Array, which VS Code transfers as binary; a Node Buffer would be JSON-encoded.
import type { ChannelMessage } from '../audio/webviewSink';
import type { SessionState } from './readingSession';

/** What the view shows. */
export interface PlayerUi {
  state: 'idle' | Extract<SessionState, 'preparing' | 'playing' | 'paused'>;
  /** The words of the sentence being read. */
  sentence: string;
  /** 1-based sentence being heard, 0 before the first. */
  index: number;
  count: number;
  voice: string;
  speed: number;
  /** The view is the audio output (so a click in it may unlock audio). */
  webviewAudio: boolean;
}

/** The view's audio: not needed yet, playing, waiting for a click (autoplay policy), or unable to play at all. */
export type ViewAudioState = 'idle' | 'running' | 'blocked' | 'failed';

/** The sink's messages (PCM streams, pause/resume) plus the view's own. */
export type ToView =
  | ChannelMessage
  | { type: 'ui'; ui: PlayerUi }
  /** A reading is starting: get the AudioContext running, or say it is blocked. */
  | { type: 'wake' };

export type ViewCommand = 'read' | 'togglePause' | 'stop' | 'next' | 'previous' | 'chooseVoice';

export type FromView =
  | { type: 'ready' }
  | { type: 'audio'; state: ViewAudioState; detail?: string }
  /** Samples of `stream` that really reached the output, counted by the worklet. */
  | { type: 'clock'; stream: number; played: number; ended: boolean }
  | { type: 'command'; command: ViewCommand }
  | { type: 'speed'; speed: number };
