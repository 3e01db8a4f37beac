/**
 * The reading controller: one session at a time (a new read stops the old one), wired to the highlight, the
 * status bar, the player view and the `pocketReader.reading` / `pocketReader.paused` context keys that scope the
 * keybindings.
 */
import * as vscode from 'vscode';
import type { PlayerKind } from '../audio/players';
import type { SinkChoice } from '../audio/sinkChoice';
import { readConfig } from './config';
import { synthesisOptions } from './engineHost';
import type { LanguageChoice } from '../text/language/detect';
import { Highlighter } from './highlighter';
import type { ReadyModel } from './modelSetup';
import type { PlayerAudioState } from './playerView';
import { ReadingSession, type SessionState } from './readingSession';
import { buildTarget, type ReadMode } from './readTarget';
import type { Services } from './services';
import { voiceLabel } from './statusBar';
import type { Segment } from '../text/narrate';

interface Active {
  session: ReadingSession;
  highlighter: Highlighter;
  document: vscode.TextDocument;
  voice: string;
  language: LanguageChoice;
  segments: readonly Segment[];
  output: 'webview' | PlayerKind;
}

/** A finished reading, kept for the test hook. */
export interface ReadingRecord {
  state: SessionState;
  synthesizedSamples: number;
  positionSamples: number;
}

export interface ReaderTestState {
  state: SessionState | 'idle';
  playerPid: number | undefined;
  currentSegment: number;
  segmentCount: number;
  /** Document offsets of the highlighted sentence as tracked through edits. */
  highlight: { start: number; end: number } | undefined;
  /** Document offsets of the highlighted word (word highlighting with a model set that has word timing). */
  word: { start: number; end: number } | undefined;
  statusText: string;
  speed: number | undefined;
  lastError: { code: string; message: string } | undefined;
  /** Engine requests still running, whether the engine process exists, its pid and the restarts so far. */
  engineRequests: number;
  engineRunning: boolean;
  enginePid: number | undefined;
  engineRestarts: number;
  /** What the latest read speaks (document offsets), kept after it ends. */
  lastRead: Segment[];
  /** The language of the current (or last) reading and the model folder the engine was given. */
  language: LanguageChoice | undefined;
  modelDir: string | undefined;
  /** The model question a reading waits on, if any. */
  modelQuestion: string | undefined;
  /** The last lines of the log. */
  log: string[];
  /** Where the current reading plays: the webview or a player kind. */
  output: 'webview' | PlayerKind | undefined;
  /** The player view's audio (blocked, running, …) and whether a click has unlocked it. */
  viewAudio: PlayerAudioState;
  viewUnlocked: boolean;
  /** The sample being heard and the samples synthesized, in source (1×) audio. */
  positionSamples: number;
  synthesizedSamples: number;
  lastReading: ReadingRecord | undefined;
}

export class Reader implements vscode.Disposable {
  private active: Active | undefined;
  private lastLanguage: LanguageChoice | undefined;
  /** Bumped by every read/stop, so a slow read that was overtaken does not start. */
  private generation = 0;
  private lastRead: Segment[] = [];
  private lastReading: ReadingRecord | undefined;
  private readonly subscriptions: vscode.Disposable[];

  constructor(private readonly svc: Services) {
    this.subscriptions = [
      svc.view.onDidChangeAudio(() => this.active && this.refreshStatus(this.active)),
      svc.view.onDidClose(() => {
        if (this.active?.output !== 'webview') return;
        svc.log.line('the player view was closed, so the reading stopped');
        void this.stop();
      }),
    ];
  }

  async read(mode: ReadMode): Promise<void> {
    const gen = ++this.generation;
    await this.stopActive();
    const editor = vscode.window.activeTextEditor;
    if (!editor) {
      this.svc.errors.info('NO_EDITOR', 'Pocket Reader: open a file, then run the command again.');
      return;
    }
    const cfg = readConfig();
    const target = await buildTarget(editor.document, editor.selections, mode, cfg, this.svc.errors);
    if (!target || gen !== this.generation) return;
    this.lastRead = target.segments;

    let ready: ReadyModel | undefined;
    try {
      ready = await this.svc.setup.ensureReady(target.language.language);
    } catch (err) {
      this.svc.errors.report(err);
      return;
    }
    if (!ready || gen !== this.generation) return;

    const saveTarget = target.document.uri;
    let output: SinkChoice;
    try {
      output = await this.svc.audio.choose(cfg.player);
    } catch (err) {
      this.svc.errors.report(err, { saveTarget });
      return;
    }
    if (gen !== this.generation) return;
    if (output.kind === 'webview') {
      await this.svc.view.wake();
      if (gen !== this.generation) return;
    }

    const cfgNow = readConfig(); // the prompts above may have changed modelPath/voice
    const session = new ReadingSession({
      engine: this.svc.engine.synthesizer(ready.modelDir, cfgNow),
      segments: target.segments,
      synthesis: { ...synthesisOptions(cfgNow, target.language.language), voice: ready.voice },
      createSink: () => this.svc.audio.createSink(output),
      speed: cfgNow.speed,
      log: (l) => this.svc.log.line(l),
    });
    const active: Active = {
      session,
      highlighter: new Highlighter(target.document, target.segments),
      document: target.document,
      voice: ready.voice,
      language: target.language,
      segments: target.segments,
      output: output.kind === 'webview' ? 'webview' : output.player.kind,
    };
    this.active = active;
    this.lastLanguage = target.language;
    this.svc.log.line(`reading ${target.segments.length} sentence(s) from ${target.document.uri.toString(true)} (${target.scope}) in ${target.language.language} (${target.language.source}), voice ${ready.voice}, ${cfgNow.speed}×`);

    session.on('segment', (i) => {
      active.highlighter.show(i);
      this.refreshStatus(active);
    });
    // Word marks arrive only from model sets with word timing; the engine host logs once when a set has none.
    if (cfgNow.highlight === 'word') session.on('word', (w) => active.highlighter.showWord(w));
    session.on('state', () => {
      this.refreshStatus(active);
      void this.setContext(active);
    });
    session.on('error', (err) => {
      this.svc.audio.forget(); // a failed output is chosen again next time
      this.svc.errors.report(err, { saveTarget });
    });
    void session.finished.then(() => this.cleanup(active));
    this.refreshStatus(active);
    await this.setContext(active);
    session.start();
  }

  /** Stops the player and the engine request at once. */
  async stop(): Promise<void> {
    this.generation++;
    if (this.active) this.svc.log.line(`stopped ${this.where(this.active)}`);
    await this.stopActive();
  }

  togglePause(): void {
    const a = this.active;
    const did = a?.session.togglePause();
    if (a && did) this.svc.log.line(`${did} ${this.where(a)}`);
  }

  next(): void {
    const a = this.active;
    if (a) this.svc.log.line(a.session.next() ? `next sentence, from ${this.where(a)}` : `next sentence: none after ${this.where(a)}`);
  }

  previous(): void {
    const a = this.active;
    if (a) this.svc.log.line(a.session.previous() ? `previous sentence, from ${this.where(a)}` : `previous sentence: none before ${this.where(a)}`);
  }

  /** "at sentence 3/7" (or "before the first sentence") for the log. */
  private where(a: Active): string {
    const s = a.session;
    return s.currentSegment >= 0 ? `at sentence ${s.currentSegment + 1}/${s.segmentCount}` : 'before the first sentence';
  }

  /** Applies a new speed to the running session (settings change). */
  setSpeed(speed: number): void {
    const a = this.active;
    if (!a) return;
    a.session.setSpeed(speed);
    this.refreshStatus(a);
  }

  testState(): ReaderTestState {
    const a = this.active;
    const current = a?.session.currentSegment ?? -1;
    const range = a && current >= 0 ? a.highlighter.rangeOf(current) : undefined;
    const word = a?.highlighter.wordRange();
    const view = this.svc.view.testState();
    return {
      state: a?.session.state ?? 'idle',
      playerPid: a?.session.playerPid,
      currentSegment: current,
      segmentCount: a?.session.segmentCount ?? 0,
      highlight: a && range ? { start: a.document.offsetAt(range.start), end: a.document.offsetAt(range.end) } : undefined,
      word: a && word ? { start: a.document.offsetAt(word.start), end: a.document.offsetAt(word.end) } : undefined,
      statusText: this.svc.status.text,
      speed: a?.session.speed,
      lastError: this.svc.errors.last,
      engineRequests: this.svc.engine.pendingRequests,
      engineRunning: this.svc.engine.current?.running ?? false,
      enginePid: this.svc.engine.current?.pid,
      engineRestarts: this.svc.engine.current?.restarts ?? 0,
      lastRead: this.lastRead,
      language: this.lastLanguage,
      modelDir: this.svc.engine.modelDir,
      modelQuestion: this.svc.setup.prompt.pending,
      log: [...this.svc.log.recent],
      output: a?.output,
      viewAudio: view.audio,
      viewUnlocked: view.unlocked,
      positionSamples: a?.session.positionSamples ?? 0,
      synthesizedSamples: a?.session.synthesizedSamples ?? 0,
      lastReading: this.lastReading,
    };
  }

  private async stopActive(): Promise<void> {
    const a = this.active;
    if (!a) return;
    await a.session.stop();
    this.cleanup(a);
  }

  private cleanup(a: Active): void {
    if (this.active !== a) return;
    this.active = undefined;
    this.lastReading = { state: a.session.state, synthesizedSamples: a.session.synthesizedSamples, positionSamples: a.session.positionSamples };
    a.highlighter.dispose();
    this.svc.status.hide();
    this.svc.view.showIdle();
    void vscode.commands.executeCommand('setContext', 'pocketReader.reading', false);
    void vscode.commands.executeCommand('setContext', 'pocketReader.paused', false);
  }

  private refreshStatus(a: Active): void {
    if (this.active !== a) return;
    const s = a.session;
    if (s.state === 'stopped' || s.state === 'ended' || s.state === 'failed') return;
    const audioProblem = a.output === 'webview' ? this.svc.view.audioProblem : undefined;
    this.svc.status.update({ state: s.state, voice: a.voice, language: a.language, speed: s.speed, sentence: s.currentSegment + 1, sentences: s.segmentCount, audioProblem });
    const current = s.currentSegment >= 0 ? a.segments[s.currentSegment] : undefined;
    this.svc.view.show({ state: s.state, sentence: current?.text ?? '', index: s.currentSegment + 1, count: s.segmentCount, voice: voiceLabel(a.voice), speed: s.speed });
  }

  private async setContext(a: Active): Promise<void> {
    if (this.active !== a) return;
    await vscode.commands.executeCommand('setContext', 'pocketReader.reading', true);
    await vscode.commands.executeCommand('setContext', 'pocketReader.paused', a.session.state === 'paused');
  }

  dispose(): void {
    for (const d of this.subscriptions) d.dispose();
    void this.stop();
  }
}
