/**
 * The player in the status bar: one owned entry that shows what is happening and toggles pause on click, plus a
 * stop button. Shown only while a reading session owns it.
 */
import * as vscode from 'vscode';
import { CommandId } from '../commands/ids';
import type { SessionState } from './readingSession';

export interface PlayerStatusInfo {
  state: SessionState;
  voice: string;
  speed: number;
  /** 1-based sentence being heard, 0 before the first. */
  sentence: number;
  sentences: number;
  /** The player view cannot play: autoplay is blocked until a click in it, or the view is not open. */
  audioProblem?: 'blocked' | 'unreachable';
}

export class PlayerStatus implements vscode.Disposable {
  private readonly main = vscode.window.createStatusBarItem('pocketReader.player', vscode.StatusBarAlignment.Right, 100);
  private readonly stop = vscode.window.createStatusBarItem('pocketReader.stop', vscode.StatusBarAlignment.Right, 99);

  constructor() {
    this.main.name = 'Pocket Reader';
    this.main.command = CommandId.TogglePause;
    this.stop.name = 'Pocket Reader: Stop';
    this.stop.text = '$(debug-stop)';
    this.stop.tooltip = 'Stop reading';
    this.stop.command = CommandId.Stop;
  }

  /** The main entry's text as shown (for the test hook). */
  get text(): string {
    return this.main.text;
  }

  update(info: PlayerStatusInfo): void {
    const voice = voiceLabel(info.voice);
    const speed = `${Number(info.speed.toFixed(2))}×`;
    const where = info.sentence > 0 ? ` ${info.sentence}/${info.sentences}` : '';
    this.main.command = CommandId.TogglePause;
    this.main.backgroundColor = undefined;
    if (info.audioProblem) {
      this.main.text = info.audioProblem === 'blocked' ? '$(mute) Audio blocked: click "Enable audio" in Pocket Reader' : '$(mute) No audio: open the Pocket Reader panel';
      this.main.tooltip = info.audioProblem === 'blocked'
        ? 'Pocket Reader: the window plays sound only after a click in the Pocket Reader player. Click here to show it.'
        : 'Pocket Reader: the player view that plays the audio is not open. Click here to show it.';
      this.main.command = CommandId.FocusPlayer;
      this.main.backgroundColor = new vscode.ThemeColor('statusBarItem.warningBackground');
    } else if (info.state === 'preparing') {
      this.main.text = `$(loading~spin) Preparing ${voice}…`;
      this.main.tooltip = 'Pocket Reader is preparing speech — click to pause';
    } else if (info.state === 'paused') {
      this.main.text = `$(play) Paused${where} · ${voice} ${speed}`;
      this.main.tooltip = 'Pocket Reader is paused — click to resume';
    } else {
      this.main.text = `$(debug-pause) Reading${where} · ${voice} ${speed}`;
      this.main.tooltip = 'Pocket Reader is reading — click to pause';
    }
    this.main.show();
    this.stop.show();
  }

  hide(): void {
    this.main.hide();
    this.stop.hide();
    this.main.text = '';
  }

  dispose(): void {
    this.main.dispose();
    this.stop.dispose();
  }
}

/** "alba", or the file name of a voice file. */
export function voiceLabel(voice: string): string {
  const base = voice.split(/[\\/]/).pop() ?? voice;
  return base.replace(/\.safetensors$/i, '');
}
