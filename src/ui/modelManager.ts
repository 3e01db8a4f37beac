/**
 * Where each language's speech model lives and how it gets there: `pocketReader.modelPath` for the language of its
 * bundle, else a verified download in globalStorage/models/<bundle> (English: the pinned manifest; the other
 * languages: language packs from the pinned listings). Nothing is downloaded until the user says so (modelSetup.ts
 * asks; a missing voice of a pack already there, a few MB, follows without asking). On macOS the English CoreML set
 * (globalStorage/models/coreml/english) then follows in the background; the ONNX set stays required beside it.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import { checkModelDir, ensureModelSet, onnxManifest, type ModelProblem } from '../store/modelStore';
import { defaultGroups, formatSize, groupBytes } from '../store/manifest';
import { clearCoreMLSetComplete, coremlSource, ensureCoreMLSet, isCoreMLSetComplete, markCoreMLSetComplete, skipUnusedCoreMLAsset } from '../store/coremlStore';
import { errorMessage } from '../store/files';
import { languageOfBundle, packFor, type LanguagePack } from '../store/languagePacks';
import { ensureLanguagePack, languagePackProblem } from '../store/languagePackStore';
import { isCancelled } from '../shared/errors';
import { LANGUAGE_NAMES, type LanguageCode } from '../text/language/codes';
import { isVoiceFile } from '../shared/voiceFiles';
import { coremlLanguage, decideBackend, type CoreMLSetState } from './backendChoice';
import { readConfig, updateGlobal } from './config';
import { modelFolderError, openSettings } from './errorMessages';
import { runAction } from './errorReport';
import { voiceFor } from './languageVoice';

type Progress = vscode.Progress<{ message?: string; increment?: number }>;

export class ModelManager {
  private coreml: string | undefined;
  private lastOnnxDir: string | undefined;
  private coremlJob: Promise<void> | undefined;
  /** Cancelled or failed this session: not retried until the next session. */
  private coremlPaused = false;
  private warned = false;
  private lastNote: string | undefined;
  /** The model download in progress (or settled): the next one starts after it. */
  private downloads: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly storage: vscode.Uri,
    private readonly log: (line: string) => void,
  ) {}

  /**
   * The CoreML folder the engine should use, or undefined for ONNX. Changes only in ensureReady(), i.e. at the start
   * of a reading: switching runtimes in the middle of one would stall it on a reload and change the voice's sound.
   */
  get coremlDir(): string | undefined {
    return this.coreml;
  }

  /** The folder the downloaded model goes to (and is read from when no modelPath is set). */
  get managedDir(): string {
    return path.join(this.storage.fsPath, 'models', onnxManifest.bundle);
  }

  /** Manifest groups needed for the current voice: the core graphs plus that voice, if it is a built-in name. */
  groupsFor(voice: string): string[] {
    const voiceGroup = `voice:${voice}`;
    const known = onnxManifest.files.some((f) => f.group === voiceGroup);
    return isVoiceFile(voice) || !known ? ['core'] : ['core', voiceGroup];
  }

  /** `pocketReader.modelPath` when its bundle speaks `language` (a test model's unknown bundle counts as English). */
  localFolderFor(language: LanguageCode): string | undefined {
    const { modelPath } = readConfig();
    if (!modelPath) return undefined;
    return languageOfBundle(bundleNameOf(modelPath)) === language ? modelPath : undefined;
  }

  /** Store folder of a language pack (English keeps managedDir). */
  packDir(pack: LanguagePack): string {
    return path.join(this.storage.fsPath, 'models', pack.bundle);
  }

  /** A language pack's folder, asking before its first download; undefined when the user declined. */
  async ensurePack(pack: LanguagePack): Promise<string | undefined> {
    const dir = this.packDir(pack);
    const voice = voiceFor(readConfig(), pack.language);
    const builtin = isVoiceFile(voice) ? undefined : voice;
    const problem = await languagePackProblem(dir, pack, builtin);
    if (!problem) return dir;
    // The model is there and only the chosen voice is not: a few MB, fetched without asking.
    if (problem === 'voice') return (await this.downloadPack(pack, [builtin!])) ? dir : undefined;
    const name = LANGUAGE_NAMES[pack.language].english;
    const choice = await vscode.window.showInformationMessage(
      `Pocket Reader: reading ${name} needs the ${name} speech model (≈ ${pack.approxMB} MB, downloaded once).`,
      'Download',
      'Use Local Folder',
    );
    if (choice === 'Download') return (await this.downloadPack(pack, builtin ? [builtin] : [pack.defaultVoice])) ? dir : undefined;
    if (choice === 'Use Local Folder') return this.pickLocalFolder();
    return undefined;
  }

  /** Downloads (or completes) a language pack with the given voices; true when it is complete. */
  async downloadPack(pack: LanguagePack, voices: readonly string[]): Promise<boolean> {
    const dir = this.packDir(pack);
    const name = LANGUAGE_NAMES[pack.language].english;
    const t0 = performance.now();
    return withDownloadProgress(
      `Pocket Reader: downloading the ${name} speech model`,
      async (signal, onProgress) => {
        const r = await ensureLanguagePack(dir, pack, { voices, signal, onProgress });
        this.log(`model ${pack.bundle}: ${r.downloaded.length} file(s) downloaded, ${r.verified.length} verified, ${r.cached.length} trusted (@${r.sha.slice(0, 8)}), in ${Math.round(performance.now() - t0)} ms → ${dir}`);
      },
      () => this.log(`${name} model download cancelled; finished files and partial data are kept for the next attempt`),
    );
  }

  /** Download Model: the model (and voice) for `language`. */
  async downloadFor(language: LanguageCode): Promise<boolean> {
    if (language === 'en') return this.download();
    const pack = packFor(language, readConfig().modelSize);
    const voice = voiceFor(readConfig(), language);
    return this.downloadPack(pack, [isVoiceFile(voice) ? pack.defaultVoice : voice]);
  }

  /** The download's graphs and tokenizer are all there (its voices may not be). */
  async managedCoreReady(): Promise<boolean> {
    return (await checkModelDir(this.managedDir, onnxManifest, { groups: ['core'] })).length === 0;
  }

  /** What is missing or damaged in the downloaded model for `voice` (empty when it is ready). */
  managedProblems(voice: string): Promise<ModelProblem[]> {
    return checkModelDir(this.managedDir, onnxManifest, { groups: this.groupsFor(voice) });
  }

  /**
   * Sets coremlDir for the ONNX folder `onnxDir` and, on macOS, starts fetching a missing CoreML set in the
   * background. Never blocks or fails the reading: ONNX Runtime serves it meanwhile.
   */
  prepareCoreML(onnxDir: string): void {
    this.lastOnnxDir = onnxDir;
    const cfg = readConfig();
    const d = decideBackend({ platform: process.platform, backend: cfg.backend, coremlSet: () => this.coremlSetFor(onnxDir), downloadPaused: this.coremlPaused });
    this.coreml = d.coremlDir;
    if (d.warning && !this.warned) {
      this.warned = true;
      this.log(d.warning);
      const settings = openSettings('pocketReader.backend');
      void vscode.window.showWarningMessage(d.warning, settings.title).then((pick) => pick && runAction(settings));
    }
    if (d.note && d.note !== this.lastNote) this.log(d.note);
    this.lastNote = d.note;
    if (d.downloadDir && !this.coremlJob) {
      const dir = d.downloadDir;
      this.coremlJob = this.downloadCoreML(dir)
        .then(
          (ok) => {
            if (!ok) this.coremlPaused = true;
            // Picked up by the next reading's ensureReady(); this one keeps ONNX.
            else if (this.lastOnnxDir) this.prepareCoreML(this.lastOnnxDir);
          },
          (err: unknown) => {
            this.coremlPaused = true;
            const msg = `the CoreML model could not be downloaded (${errorMessage(err).split('\n')[0]}); using ONNX Runtime`;
            this.log(msg);
            void vscode.window.showWarningMessage(`Pocket Reader: ${msg}.`);
          },
        )
        .finally(() => (this.coremlJob = undefined));
    }
  }

  /** The CoreML set for the ONNX model's language (named in its bundle.json), or undefined when none exists. */
  private coremlSetFor(onnxDir: string): CoreMLSetState | undefined {
    const lang = coremlLanguage(bundleNameOf(onnxDir));
    if (!lang) return undefined;
    const dir = path.join(this.storage.fsPath, 'models', 'coreml', lang);
    return { dir, complete: isCoreMLSetComplete(dir) };
  }

  /** Downloads (or resumes) the CoreML set with a cancellable notification; true when it is complete. */
  private async downloadCoreML(dir: string): Promise<boolean> {
    const source = coremlSource(path.basename(dir));
    const t0 = performance.now();
    return withDownloadProgress(
      'Pocket Reader: preparing the CoreML model…',
      async (signal, onProgress) => {
        await clearCoreMLSetComplete(dir); // only a download that finishes marks the set complete again
        const r = await ensureCoreMLSet(dir, source, { signal, include: skipUnusedCoreMLAsset, onProgress });
        await markCoreMLSetComplete(dir, r.sha);
        this.log(`CoreML model: ${r.downloaded.length} file(s) downloaded, ${r.verified.length} verified, ${r.cached.length} trusted (${source.repo}@${r.sha.slice(0, 8)}/${source.folder}) in ${Math.round(performance.now() - t0)} ms → ${dir}; used from the next reading`);
      },
      () => this.log('CoreML model download cancelled; ONNX Runtime stays in use. It resumes next session (set pocketReader.backend to "onnx" to stop it).'),
    );
  }

  /** Total bytes of the given groups (what a fresh download would fetch). */
  downloadBytes(groups: readonly string[]): number {
    return groupBytes(onnxManifest, groups);
  }

  /**
   * Downloads (or completes, resuming partial files) the model set with a cancellable progress notification.
   * Resolves true when the set is complete; errors are thrown as EngineErrors (DOWNLOAD_FAILED, OFFLINE, …).
   * One download at a time: a second request (a late button, the command) waits, then only verifies what is there.
   */
  download(extraGroups: readonly string[] = [], title = 'Pocket Reader: downloading the speech model'): Promise<boolean> {
    const run = this.downloads.then(() => this.downloadNow(extraGroups, title));
    this.downloads = run.catch(() => undefined);
    return run;
  }

  private async downloadNow(extraGroups: readonly string[], title: string): Promise<boolean> {
    const groups = [...new Set([...defaultGroups(onnxManifest), ...this.groupsFor(readConfig().voice), ...extraGroups])];
    const dir = this.managedDir;
    const t0 = performance.now();
    return withDownloadProgress(
      title,
      async (signal, onProgress) => {
        const r = await ensureModelSet(dir, onnxManifest, { groups, signal, onProgress });
        this.log(`model: ${r.downloaded.length} file(s) downloaded, ${r.verified.length} verified, ${r.cached.length} trusted, in ${Math.round(performance.now() - t0)} ms → ${dir}`);
      },
      () => this.log('model download cancelled; finished files and partial data are kept for the next attempt'),
    );
  }

  /** The folder dialog alone; undefined when it was closed. */
  async chooseFolder(): Promise<string | undefined> {
    const picked = await vscode.window.showOpenDialog({
      canSelectFiles: false,
      canSelectFolders: true,
      canSelectMany: false,
      openLabel: 'Use This Model Folder',
      title: 'Pocket Reader: choose a folder with the speech model (bundle.json, *.onnx, tokenizer.model)',
    });
    return picked?.[0]?.fsPath;
  }

  /** Folder picker → checked → `pocketReader.modelPath`; a folder that cannot serve is refused with its problems. */
  async pickLocalFolder(): Promise<string | undefined> {
    const folder = await this.chooseFolder();
    if (!folder) return undefined;
    const problems = await checkModelDir(folder);
    if (problems.length > 0) throw modelFolderError(folder, problems, 'folder');
    await this.useFolder(folder);
    return folder;
  }

  /** Saves a checked folder as `pocketReader.modelPath` (user setting; machine-scoped in package.json). */
  async useFolder(folder: string): Promise<void> {
    await updateGlobal('modelPath', folder);
    this.log(`model: using local folder ${folder}`);
  }

  /** Clears `pocketReader.modelPath`, so the downloaded model is used (downloading it is up to the caller). */
  async useDownloaded(): Promise<void> {
    await updateGlobal('modelPath', undefined);
    this.log(`model: using the downloaded model in ${this.managedDir}`);
  }
}

/** The bundle name in a model folder's bundle.json, if readable. */
function bundleNameOf(dir: string): string | undefined {
  try {
    return (JSON.parse(readFileSync(path.join(dir, 'bundle.json'), 'utf8')) as { bundle_name?: string }).bundle_name;
  } catch {
    return undefined;
  }
}

/** Byte progress → notification progress, throttled (notifications need no more than 5 updates/s). */
function progressReporter(progress: Progress): (p: { doneBytes: number; totalBytes: number }) => void {
  let reported = 0; // percent already reported; progress.report increments are cumulative
  let lastAt = 0;
  return (p) => {
    const now = performance.now();
    if (now - lastAt < 200 && p.doneBytes < p.totalBytes) return;
    lastAt = now;
    const pct = p.totalBytes > 0 ? Math.min(100, (100 * p.doneBytes) / p.totalBytes) : 0;
    progress.report({
      message: `${formatSize(p.doneBytes)} of ${formatSize(p.totalBytes)} (${Math.floor(pct)}%)`,
      increment: Math.max(0, pct - reported),
    });
    reported = Math.max(reported, pct);
  };
}

/**
 * A cancellable notification around one download: cancel aborts it, true when it completed, false when the
 * user cancelled (after `onCancelled`); other failures are rethrown for the caller's error report.
 */
function withDownloadProgress(
  title: string,
  run: (signal: AbortSignal, onProgress: (p: { doneBytes: number; totalBytes: number }) => void) => Promise<void>,
  onCancelled: () => void,
): Thenable<boolean> {
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, async (progress, token) => {
    const abort = new AbortController();
    const sub = token.onCancellationRequested(() => abort.abort());
    try {
      await run(abort.signal, progressReporter(progress));
      return true;
    } catch (err) {
      if (isCancelled(err) || abort.signal.aborted) {
        onCancelled();
        return false;
      }
      throw err;
    } finally {
      sub.dispose();
    }
  });
}
