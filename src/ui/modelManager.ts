/**
 * Where the speech model lives and how it gets there: `pocketReader.modelPath` when set, else a verified download
 * in globalStorage/models/<bundle>. Nothing is downloaded until the user says so. On macOS the CoreML set
 * (globalStorage/models/coreml/<lang>) then follows in the background; the ONNX set stays required beside it
 * (tokenizer, bundle rules, voices).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import { checkModelDir, ensureModelSet, onnxManifest } from '../store/modelStore';
import { modelDirError } from '../store/modelCheck';
import { defaultGroups, filesInGroups } from '../store/manifest';
import { clearCoreMLSetComplete, coremlSource, ensureCoreMLSet, isCoreMLSetComplete, markCoreMLSetComplete, skipUnusedCoreMLAsset } from '../store/coremlStore';
import { errorMessage } from '../store/files';
import { isCancelled } from '../shared/errors';
import { coremlLanguage, decideBackend, type CoreMLSetState } from './backendChoice';
import { readConfig, updateGlobal } from './config';

const MB = 1024 * 1024;

/** A voice given as a file rather than a name from the model's voice list. */
export function isVoiceFile(voice: string): boolean {
  return /[\\/]|\.safetensors$/i.test(voice);
}

type Progress = vscode.Progress<{ message?: string; increment?: number }>;

export class ModelManager {
  private coreml: string | undefined;
  private lastOnnxDir: string | undefined;
  private coremlJob: Promise<void> | undefined;
  /** Cancelled or failed this session: not retried until the next session. */
  private coremlPaused = false;
  private warned = false;
  private lastNote: string | undefined;

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

  /**
   * A usable (ONNX) model folder, or undefined when the user declined or a problem was reported. With no model yet,
   * asks once: download it, or point at a local folder. Then picks the CoreML set, if any (see prepareCoreML).
   */
  async ensureReady(): Promise<string | undefined> {
    const dir = await this.ensureOnnx();
    if (dir) this.prepareCoreML(dir);
    return dir;
  }

  private async ensureOnnx(): Promise<string | undefined> {
    const cfg = readConfig();
    if (cfg.modelPath) {
      const problems = await checkModelDir(cfg.modelPath);
      if (problems.length === 0) return cfg.modelPath;
      throw modelDirError(cfg.modelPath, problems);
    }
    const dir = this.managedDir;
    const problems = await checkModelDir(dir, onnxManifest, { groups: this.groupsFor(cfg.voice) });
    if (problems.length === 0) return dir;
    if (problems.some((p) => p.kind === 'corrupt')) throw modelDirError(dir, problems);
    const size = Math.round(this.downloadBytes(this.groupsFor(cfg.voice)) / MB);
    const choice = await vscode.window.showInformationMessage(
      `Pocket Reader needs its speech model (≈ ${size} MB, downloaded once).`,
      'Download',
      'Use Local Folder',
    );
    if (choice === 'Download') return (await this.download()) ? dir : undefined;
    if (choice === 'Use Local Folder') return this.pickLocalFolder();
    return undefined;
  }

  /**
   * Sets coremlDir for the ONNX folder `onnxDir` and, on macOS, starts fetching a missing CoreML set in the
   * background. Never blocks or fails the reading: ONNX Runtime serves it meanwhile.
   */
  private prepareCoreML(onnxDir: string): void {
    this.lastOnnxDir = onnxDir;
    const cfg = readConfig();
    const d = decideBackend({ platform: process.platform, backend: cfg.backend, coremlSet: () => this.coremlSetFor(onnxDir), downloadPaused: this.coremlPaused });
    this.coreml = d.coremlDir;
    if (d.warning && !this.warned) {
      this.warned = true;
      this.log(d.warning);
      void vscode.window.showWarningMessage(d.warning);
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
    let bundleName: string | undefined;
    try {
      bundleName = (JSON.parse(readFileSync(path.join(onnxDir, 'bundle.json'), 'utf8')) as { bundle_name?: string }).bundle_name;
    } catch {
      return undefined;
    }
    const lang = coremlLanguage(bundleName);
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
    return filesInGroups(onnxManifest, groups).reduce((n, f) => n + (f.bytes ?? 0), 0);
  }

  /**
   * Downloads (or completes, resuming partial files) the model set with a cancellable progress notification.
   * Resolves true when the set is complete; errors are thrown as EngineErrors (DOWNLOAD_FAILED, …).
   */
  async download(extraGroups: readonly string[] = [], title = 'Pocket Reader: downloading the speech model'): Promise<boolean> {
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

  /** Folder picker → `pocketReader.modelPath` (user setting; machine-scoped in package.json). */
  async pickLocalFolder(): Promise<string | undefined> {
    const picked = await vscode.window.showOpenDialog({
      canSelectFiles: false,
      canSelectFolders: true,
      canSelectMany: false,
      openLabel: 'Use This Model Folder',
      title: 'Pocket Reader: choose a folder with the speech model (bundle.json, *.onnx, tokenizer.model)',
    });
    const folder = picked?.[0]?.fsPath;
    if (!folder) return undefined;
    const problems = await checkModelDir(folder);
    if (problems.length > 0) throw modelDirError(folder, problems);
    await updateGlobal('modelPath', folder);
    this.log(`model: using local folder ${folder}`);
    return folder;
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
      message: `${(p.doneBytes / MB).toFixed(0)} of ${(p.totalBytes / MB).toFixed(0)} MB (${Math.floor(pct)}%)`,
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
