/**
 * Chooses where audio plays (pocketReader.player: a local player process or the player view) once, since probing a
 * player costs a few hundred ms, logs the choice and why, and makes sinks for it. The choice is dropped when the
 * setting changes or playback fails, so the next read decides again.
 */
import * as vscode from 'vscode';
import { createPlayerSink } from '../audio/playerSink';
import { selectPlayer } from '../audio/players';
import type { AudioSink } from '../audio/sink';
import { chooseSink, type Placement, type SinkChoice } from '../audio/sinkChoice';
import { WebviewSink } from '../audio/webviewSink';
import type { PlayerView } from './playerView';

export class AudioOutput {
  private cached: { setting: string; choice: SinkChoice } | undefined;

  constructor(
    private readonly log: (line: string) => void,
    private readonly view: PlayerView,
    private readonly extensionKind: vscode.ExtensionKind,
  ) {}

  /** Throws PlayerUnavailableError when the setting names a player that does not work here. */
  async choose(setting: string): Promise<SinkChoice> {
    if (this.cached?.setting === setting) return this.cached.choice;
    const t0 = performance.now();
    const choice = await chooseSink(setting, this.placement(), (kind) => selectPlayer(kind ? { prefer: [kind] } : {}));
    const what = choice.kind === 'webview' ? 'the Pocket Reader player view (webview)' : `${choice.player.label} (${choice.player.command})`;
    this.log(`audio output: ${what}, because ${choice.reason} (decided in ${Math.round(performance.now() - t0)} ms)`);
    this.cached = { setting, choice };
    this.view.setAudioOutput(choice.kind === 'webview');
    return choice;
  }

  createSink(choice: SinkChoice): AudioSink {
    return choice.kind === 'webview' ? new WebviewSink(this.view) : createPlayerSink(choice.player, { env: process.env });
  }

  forget(): void {
    this.cached = undefined;
  }

  private placement(): Placement {
    return {
      remoteName: vscode.env.remoteName,
      workspaceSide: this.extensionKind === vscode.ExtensionKind.Workspace,
      webUi: vscode.env.uiKind === vscode.UIKind.Web,
    };
  }
}
