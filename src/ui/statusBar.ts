/**
 * The player in the status bar: one owned entry that shows what is happening and toggles pause on click, plus a
 * stop button. Shown only while a reading session owns it.
 */
import * as vscode from 'vscode';
import { CommandId } from '../commands/ids';
import { LANGUAGE_NAMES } from '../text/language/codes';
import type { LanguageChoice } from '../text/language/detect';
import type { SessionState } from './readingSession';

export interface PlayerStatusInfo {
  state: SessionState;
  voice: string;
  language: LanguageChoice;
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
    const lang = info.language.language.toUpperCase();
    const { native, english } = LANGUAGE_NAMES[info.language.language];
    const why = `${native}${native === english ? '' : ` (${english})`}, ${LANGUAGE_REASON[info.language.source]}`;
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
      this.main.text = `$(loading~spin) Preparing ${voice} · ${lang}…`;
      this.main.tooltip = `Pocket Reader is preparing speech in ${why} — click to pause`;
    } else if (info.state === 'paused') {
      this.main.text = `$(play) Paused${where} · ${voice} ${speed} · ${lang}`;
      this.main.tooltip = `Pocket Reader is paused; reading in ${why} — click to resume`;
    } else {
      this.main.text = `$(debug-pause) Reading${where} · ${voice} ${speed} · ${lang}`;
      this.main.tooltip = `Pocket Reader is reading in ${why} — click to pause`;
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

const LANGUAGE_REASON: Record<LanguageChoice['source'], string> = {
  setting: 'as set in pocketReader.language',
  'front matter': 'from the front matter',
  detected: 'detected from the text',
  'display language': "VS Code's display language (too little text to tell)",
};

/** "alba", or the file name of a voice file. */
export function voiceLabel(voice: string): string {
  const base = voice.split(/[\\/]/).pop() ?? voice;
  return base.replace(/\.safetensors$/i, '');
}
