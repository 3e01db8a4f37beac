/**
 * The "Pocket Reader" player view in the panel: shows the sentence being read with play/pause, stop, previous/next,
 * speed and voice, and is the audio output when sound must play where the user sits (browser or remote windows).
 * It implements the AudioChannel of WebviewSink: PCM streams go to the page, its played-sample clock comes back.
 *
 * retainContextWhenHidden is needed: the page owns the AudioContext, and a hidden view without it is destroyed, which
 * would cut the sound whenever another panel tab is shown and lose the one-time "enable audio" click.
 */
import * as vscode from 'vscode';
import { ViewAudioError, type AudioChannel, type ChannelMessage, type StreamEvents } from '../audio/webviewSink';
import { DEFAULT_SAMPLE_RATE } from '../audio/wav';
import { CommandId } from '../commands/ids';
import { readConfig, SECTION, updateGlobal } from './config';
import { playerHtml } from './playerHtml';
import type { FromView, PlayerUi, ToView, ViewAudioState, ViewCommand } from './playerProtocol';
import { voiceLabel } from './statusBar';

/** closed: no page; loading: page not ready yet; unreachable: a reading waited for the page in vain. */
export type PlayerAudioState = ViewAudioState | 'closed' | 'loading' | 'unreachable';

const COMMANDS: Record<ViewCommand, CommandId> = {
  read: CommandId.ReadSelection,
  togglePause: CommandId.TogglePause,
  stop: CommandId.Stop,
  next: CommandId.NextSentence,
  previous: CommandId.PreviousSentence,
  chooseVoice: CommandId.ChooseVoice,
};

/** How long a reading waits for the view to open, and then for its page to load, before saying it cannot play. */
const OPEN_TIMEOUT_MS = 2000;
const LOAD_TIMEOUT_MS = 10_000;

export class PlayerView implements vscode.WebviewViewProvider, AudioChannel, vscode.Disposable {
  static readonly viewId = 'pocketReader.player';

  private view: vscode.WebviewView | undefined;
  private ready = false;
  private outbox: ToView[] = [];
  private audio: PlayerAudioState = 'closed';
  private audioDetail: string | undefined;
  /** The page's AudioContext has run: later readings need no click. */
  private unlocked = false;
  private webviewAudio = false;
  private ui: Omit<PlayerUi, 'webviewAudio'> = idleUi();
  private readonly streams = new Map<number, StreamEvents>();
  private nextStream = 1;
  private wakeTimer: NodeJS.Timeout | undefined;
  private readonly audioChanged = new vscode.EventEmitter<PlayerAudioState>();
  private readonly closed = new vscode.EventEmitter<void>();
  private readonly registrations: vscode.Disposable[];

  /** The view's audio state changed (blocked, running, …). */
  readonly onDidChangeAudio = this.audioChanged.event;
  /** The user closed the view (its page and audio are gone). */
  readonly onDidClose = this.closed.event;

  constructor(private readonly extensionUri: vscode.Uri, private readonly log: (line: string) => void) {
    this.registrations = [
      vscode.window.registerWebviewViewProvider(PlayerView.viewId, this, { webviewOptions: { retainContextWhenHidden: true } }),
      // While reading, the reader keeps the view current; when idle, the view shows the voice and speed settings.
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (this.ui.state === 'idle' && (e.affectsConfiguration(`${SECTION}.voice`) || e.affectsConfiguration(`${SECTION}.speed`))) this.showIdle();
      }),
    ];
  }

  /** Why audio cannot play (blocked by autoplay, page not open), or undefined when nothing is wrong. */
  get audioProblem(): 'blocked' | 'unreachable' | undefined {
    return this.audio === 'blocked' || this.audio === 'unreachable' ? this.audio : undefined;
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    this.ready = false;
    this.unlocked = false;
    this.setAudio('loading');
    view.webview.options = { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(this.extensionUri, 'media')] };
    view.webview.html = playerHtml(view.webview, this.extensionUri, DEFAULT_SAMPLE_RATE);
    view.webview.onDidReceiveMessage((m: FromView) => this.view === view && this.receive(m));
    view.onDidDispose(() => {
      if (this.view !== view) return;
      this.view = undefined;
      this.ready = false;
      this.outbox = [];
      this.setAudio('closed');
      for (const s of [...this.streams.values()]) s.gone();
      this.streams.clear();
      this.closed.fire();
    });
  }

  /** What the view shows; `webviewAudio` says whether it is also the audio output. */
  show(ui: Omit<PlayerUi, 'webviewAudio'>): void {
    this.ui = ui;
    this.post({ type: 'ui', ui: { ...ui, webviewAudio: this.webviewAudio } });
  }

  /** Nothing is being read: the view shows the voice and speed settings. */
  showIdle(): void {
    this.show(idleUi());
  }

  setAudioOutput(webview: boolean): void {
    if (webview === this.webviewAudio) return;
    this.webviewAudio = webview;
    this.show(this.ui);
  }

  /**
   * A reading is about to play here: open the view (focused until audio has been enabled once, so the "Click to
   * enable audio" button is one key press away) and get its audio running.
   */
  async wake(): Promise<void> {
    this.post({ type: 'wake' }); // first: a busy workbench may take seconds to focus the view
    if (!this.view || !this.unlocked) await vscode.commands.executeCommand(CommandId.FocusPlayer);
    clearTimeout(this.wakeTimer);
    if (!this.ready) {
      // A loading page is not a problem yet (webviews load slowly on a busy machine); a view that never opened is.
      this.wakeTimer = setTimeout(() => {
        if (!this.view) return this.setAudio('unreachable');
        this.wakeTimer = setTimeout(() => !this.ready && this.setAudio('unreachable'), LOAD_TIMEOUT_MS - OPEN_TIMEOUT_MS);
      }, OPEN_TIMEOUT_MS);
    }
  }

  openStream(events: StreamEvents): number {
    const id = this.nextStream++;
    this.streams.set(id, events);
    return id;
  }

  closeStream(stream: number): void {
    this.streams.delete(stream);
  }

  send(message: ChannelMessage): void {
    this.post(message);
  }

  testState(): { ready: boolean; visible: boolean; audio: PlayerAudioState; unlocked: boolean; webviewAudio: boolean } {
    return { ready: this.ready, visible: this.view?.visible ?? false, audio: this.audio, unlocked: this.unlocked, webviewAudio: this.webviewAudio };
  }

  private post(message: ToView): void {
    if (!this.view || !this.ready) {
      // A page gets the current ui when it is ready; PCM and stream control only matter to a page that exists.
      if (message.type === 'ui' || (!this.view && message.type !== 'wake')) return;
      if (message.type !== 'wake' || !this.outbox.some((m) => m.type === 'wake')) this.outbox.push(message);
      return;
    }
    void this.view.webview.postMessage(message);
  }

  private receive(m: FromView): void {
    switch (m.type) {
      case 'ready': {
        this.ready = true;
        clearTimeout(this.wakeTimer);
        if (this.audio === 'loading' || this.audio === 'unreachable') this.setAudio('idle');
        const pending = this.outbox;
        this.outbox = [];
        this.show(this.ui);
        for (const x of pending) this.post(x);
        return;
      }
      case 'audio':
        if (m.state === 'running') this.unlocked = true;
        this.setAudio(m.state, m.detail);
        if (m.state === 'failed') {
          const err = new ViewAudioError(m.detail);
          for (const s of [...this.streams.values()]) s.gone(err);
          this.streams.clear();
        }
        return;
      case 'clock':
        this.streams.get(m.stream)?.clock(m.played, m.ended);
        return;
      case 'command':
        if (COMMANDS[m.command]) void vscode.commands.executeCommand(COMMANDS[m.command]);
        return;
      case 'speed':
        if (Number.isFinite(m.speed)) void updateGlobal('speed', m.speed);
        return;
    }
  }

  private setAudio(state: PlayerAudioState, detail?: string): void {
    if (state === this.audio && detail === this.audioDetail) return;
    this.audio = state;
    this.audioDetail = detail;
    this.log(`player view audio: ${state}${detail ? ` (${detail})` : ''}`);
    this.audioChanged.fire(state);
  }

  dispose(): void {
    clearTimeout(this.wakeTimer);
    for (const r of this.registrations) r.dispose();
    this.audioChanged.dispose();
    this.closed.dispose();
  }
}

function idleUi(): Omit<PlayerUi, 'webviewAudio'> {
  const cfg = readConfig();
  return { state: 'idle', sentence: '', index: 0, count: 0, voice: voiceLabel(cfg.voice), speed: cfg.speed };
}
