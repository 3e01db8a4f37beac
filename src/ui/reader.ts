/**
 * The reading controller: one session at a time (a new read stops the old one), wired to the highlight, the
 * status bar and the `pocketReader.reading` / `pocketReader.paused` context keys that scope the keybindings.
 */
import * as vscode from 'vscode';
import { readConfig } from './config';
import { synthesisOptions } from './engineHost';
import type { LanguageChoice } from '../text/language/detect';
import { Highlighter } from './highlighter';
import type { ReadyModel } from './modelSetup';
import { ReadingSession, type SessionState } from './readingSession';
import { buildTarget, type ReadMode } from './readTarget';
import type { Services } from './services';
import type { Segment } from '../text/narrate';

interface Active {
  session: ReadingSession;
  highlighter: Highlighter;
  document: vscode.TextDocument;
  voice: string;
  language: LanguageChoice;
}

export interface ReaderTestState {
  state: SessionState | 'idle';
  playerPid: number | undefined;
  currentSegment: number;
  segmentCount: number;
  /** Document offsets of the highlighted sentence as tracked through edits. */
  highlight: { start: number; end: number } | undefined;
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
}

export class Reader implements vscode.Disposable {
  private active: Active | undefined;
  private lastLanguage: LanguageChoice | undefined;
  /** Bumped by every read/stop, so a slow read that was overtaken does not start. */
  private generation = 0;
  private lastRead: Segment[] = [];

  constructor(private readonly svc: Services) {}

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
    let player;
    try {
      player = await this.svc.audio.player(cfg.player);
    } catch (err) {
      this.svc.errors.report(err, { saveTarget });
      return;
    }
    if (gen !== this.generation) return;

    const cfgNow = readConfig(); // the prompts above may have changed modelPath/voice
    const session = new ReadingSession({
      engine: this.svc.engine.synthesizer(ready.modelDir, cfgNow),
      segments: target.segments,
      synthesis: { ...synthesisOptions(cfgNow, target.language.language), voice: ready.voice },
      createSink: () => this.svc.audio.createSink(player),
      speed: cfgNow.speed,
      log: (l) => this.svc.log.line(l),
    });
    const active: Active = { session, highlighter: new Highlighter(target.document, target.segments), document: target.document, voice: ready.voice, language: target.language };
    this.active = active;
    this.lastLanguage = target.language;
    this.svc.log.line(`reading ${target.segments.length} sentence(s) from ${target.document.uri.toString(true)} (${target.scope}) in ${target.language.language} (${target.language.source}), voice ${ready.voice}, ${cfgNow.speed}×`);

    session.on('segment', (i) => {
      active.highlighter.show(i);
      this.refreshStatus(active);
    });
    session.on('state', () => {
      this.refreshStatus(active);
      void this.setContext(active);
    });
    session.on('error', (err) => {
      this.svc.audio.forget(); // a failed player is probed again next time
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
    return {
      state: a?.session.state ?? 'idle',
      playerPid: a?.session.playerPid,
      currentSegment: current,
      segmentCount: a?.session.segmentCount ?? 0,
      highlight: a && range ? { start: a.document.offsetAt(range.start), end: a.document.offsetAt(range.end) } : undefined,
      statusText: this.svc.status.text,
      speed: a?.session.speed,
      lastError: this.svc.errors.last,
      engineRequests: this.svc.engine.pendingRequests,
      engineRunning: this.svc.engine.current?.running ?? false,
      enginePid: this.svc.engine.current?.pid,
      engineRestarts: this.svc.engine.current?.restarts ?? 0,
      lastRead: this.lastRead,
      language: a?.language ?? this.lastLanguage,
      modelDir: this.svc.engine.modelDir,
      modelQuestion: this.svc.setup.prompt.pending,
      log: [...this.svc.log.recent],
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
    a.highlighter.dispose();
    this.svc.status.hide();
    void vscode.commands.executeCommand('setContext', 'pocketReader.reading', false);
    void vscode.commands.executeCommand('setContext', 'pocketReader.paused', false);
  }

  private refreshStatus(a: Active): void {
    if (this.active !== a) return;
    const s = a.session;
    if (s.state === 'stopped' || s.state === 'ended' || s.state === 'failed') return;
    this.svc.status.update({ state: s.state, voice: a.voice, language: a.language, speed: s.speed, sentence: s.currentSegment + 1, sentences: s.segmentCount });
  }

  private async setContext(a: Active): Promise<void> {
    if (this.active !== a) return;
    await vscode.commands.executeCommand('setContext', 'pocketReader.reading', true);
    await vscode.commands.executeCommand('setContext', 'pocketReader.paused', a.session.state === 'paused');
  }

  dispose(): void {
    void this.stop();
  }
}
