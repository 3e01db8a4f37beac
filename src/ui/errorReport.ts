/**
 * Turns failures into messages with a way forward (a button that runs the fix). Messages are shown without being
 * awaited, so a command never hangs on a notification nobody clicks; the last report is kept for the test hook.
 */
import * as vscode from 'vscode';
import { PlayerUnavailableError } from '../audio/players';
import { ImplausiblePlaybackError, PlayerExitError } from '../audio/sink';
import { EngineError } from '../shared/errors';
import { CommandId } from '../commands/ids';

export interface ReportedError {
  code: string;
  message: string;
}

interface Action {
  title: string;
  run: () => unknown;
}

export class ErrorReporter {
  last: ReportedError | undefined;

  constructor(private readonly log: (line: string) => void) {}

  /** Reports `err`; `saveInstead` is offered when the problem is audio output and saving a WAV would work. */
  report(err: unknown, opts: { saveInstead?: () => unknown } = {}): void {
    const { code, message, actions, severity } = this.describe(err, opts);
    if (code === 'CANCELLED') return;
    this.last = { code, message };
    this.log(`error ${code}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    const show = severity === 'info' ? vscode.window.showInformationMessage : vscode.window.showErrorMessage;
    void show(message, ...actions.map((a) => a.title)).then(
      (picked) => actions.find((a) => a.title === picked)?.run(),
      () => undefined,
    );
  }

  /** An informational message (empty selection, nothing to read); recorded like errors for tests. */
  info(code: string, message: string): void {
    this.last = { code, message };
    void vscode.window.showInformationMessage(message);
  }

  private describe(err: unknown, opts: { saveInstead?: () => unknown }): { code: string; message: string; actions: Action[]; severity: 'error' | 'info' } {
    const cmd = (title: string, id: CommandId): Action => ({ title, run: () => vscode.commands.executeCommand(id) });
    const showLog = cmd('Show Log', CommandId.ShowLog);
    const saveAction: Action[] = opts.saveInstead ? [{ title: 'Save as WAV Instead', run: opts.saveInstead }] : [];
    if (err instanceof PlayerUnavailableError) {
      return { code: 'NO_PLAYER', message: `Pocket Reader cannot play audio: ${err.message}`, actions: saveAction, severity: 'error' };
    }
    if (err instanceof PlayerExitError || err instanceof ImplausiblePlaybackError) {
      return { code: 'PLAYER_FAILED', message: `Pocket Reader: ${err.message}`, actions: [...saveAction, showLog], severity: 'error' };
    }
    if (err instanceof EngineError) {
      switch (err.code) {
        case 'CANCELLED':
          return { code: err.code, message: err.message, actions: [], severity: 'info' };
        case 'EMPTY_TEXT':
        case 'NOTHING_SPEAKABLE':
          return { code: err.code, message: `Pocket Reader: nothing to read here (${err.message})`, actions: [], severity: 'info' };
        case 'MODEL_MISSING':
          return { code: err.code, message: `Pocket Reader: the speech model is missing. ${err.message}`, actions: [cmd('Download Model', CommandId.DownloadModel), cmd('Use Local Folder', CommandId.UseLocalModel)], severity: 'error' };
        case 'MODEL_CORRUPT':
          return { code: err.code, message: `Pocket Reader: the speech model is damaged. ${err.message}`, actions: [cmd('Download Again', CommandId.DownloadModel), cmd('Use Local Folder', CommandId.UseLocalModel)], severity: 'error' };
        case 'BAD_RECORDING':
          return { code: err.code, message: `Pocket Reader: ${err.message}`, actions: [cmd('Choose Another Recording', CommandId.CreateVoice)], severity: 'error' };
        case 'UNKNOWN_VOICE':
          return { code: err.code, message: `Pocket Reader: ${err.message}`, actions: [cmd('Choose Voice', CommandId.ChooseVoice)], severity: 'error' };
        case 'DOWNLOAD_FAILED':
          return { code: err.code, message: `Pocket Reader: the model download failed. ${err.message}`, actions: [cmd('Retry', CommandId.DownloadModel), cmd('Use Local Folder', CommandId.UseLocalModel)], severity: 'error' };
        case 'ENGINE_FAILED':
          return { code: err.code, message: `Pocket Reader: reading stopped because ${err.message}`, actions: [showLog], severity: 'error' };
        case 'BACKEND_UNAVAILABLE':
          return { code: err.code, message: `Pocket Reader: ${err.message}`, actions: [{ title: 'Open Settings', run: () => vscode.commands.executeCommand('workbench.action.openSettings', 'pocketReader.backend') }], severity: 'error' };
        default:
          return { code: err.code, message: `Pocket Reader: ${err.message}`, actions: [showLog], severity: 'error' };
      }
    }
    const message = err instanceof Error ? err.message : String(err);
    return { code: 'INTERNAL', message: `Pocket Reader: ${message}`, actions: [showLog], severity: 'error' };
  }
}
