/** The long-lived parts of the extension, created once in activate() and handed to every command. */
import type * as vscode from 'vscode';
import type { AudioOutput } from './audioOutput';
import type { EngineHost } from './engineHost';
import type { ErrorReporter } from './errorReport';
import type { Log } from './log';
import type { ModelManager } from './modelManager';
import type { ModelSetup } from './modelSetup';
import type { Reader } from './reader';
import type { PlayerView } from './playerView';
import type { PlayerStatus } from './statusBar';

export interface Services {
  context: vscode.ExtensionContext;
  log: Log;
  errors: ErrorReporter;
  engine: EngineHost;
  models: ModelManager;
  /** Asks what the user must decide before a reading (model source, repairs) and picks the voice. */
  setup: ModelSetup;
  audio: AudioOutput;
  status: PlayerStatus;
  view: PlayerView;
  reader: Reader;
}
