/**
 * Where the speech model lives and how it gets there: `pocketReader.modelPath` when set, else a verified download
 * in globalStorage/models/<bundle>. Nothing is downloaded until the user says so.
 */
import path from 'node:path';
import * as vscode from 'vscode';
import { checkModelDir, ensureModelSet, onnxManifest } from '../engine/store/modelStore';
import { modelDirError } from '../engine/store/modelCheck';
import { defaultGroups, filesInGroups } from '../engine/store/manifest';
import { isCancelled } from '../engine/errors';
import { readConfig, updateGlobal } from './config';

const MB = 1024 * 1024;

/** A voice given as a file rather than a name from the model's voice list. */
export function isVoiceFile(voice: string): boolean {
  return /[\\/]|\.safetensors$/i.test(voice);
}

export class ModelManager {
  constructor(
    private readonly storage: vscode.Uri,
    private readonly log: (line: string) => void,
  ) {}

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
   * A usable model folder, or undefined when the user declined or a problem was reported. With no model yet, asks
   * once: download it, or point at a local folder.
   */
  async ensureReady(): Promise<string | undefined> {
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

  /** Total bytes of the given groups (what a fresh download would fetch). */
  downloadBytes(groups: readonly string[]): number {
    return filesInGroups(onnxManifest, groups).reduce((n, f) => n + (f.bytes ?? 0), 0);
  }

  /**
   * Downloads (or completes, resuming partial files) the model set with a cancellable progress notification.
   * Resolves true when the set is complete; errors are thrown as EngineErrors (DOWNLOAD_FAILED, …).
   */
  async download(extraGroups: readonly string[] = []): Promise<boolean> {
    const groups = [...new Set([...defaultGroups(onnxManifest), ...this.groupsFor(readConfig().voice), ...extraGroups])];
    const dir = this.managedDir;
    const t0 = performance.now();
    return vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'Pocket Reader: downloading the speech model', cancellable: true },
      async (progress, token) => {
        const abort = new AbortController();
        const sub = token.onCancellationRequested(() => abort.abort());
        let reported = 0; // percent already reported; progress.report increments are cumulative
        let lastAt = 0;
        try {
          const r = await ensureModelSet(dir, onnxManifest, {
            groups,
            signal: abort.signal,
            onProgress: (p) => {
              const now = performance.now();
              if (now - lastAt < 200 && p.doneBytes < p.totalBytes) return; // notifications need no more than 5 updates/s
              lastAt = now;
              const pct = p.totalBytes > 0 ? Math.min(100, (100 * p.doneBytes) / p.totalBytes) : 0;
              progress.report({
                message: `${(p.doneBytes / MB).toFixed(0)} of ${(p.totalBytes / MB).toFixed(0)} MB (${Math.floor(pct)}%)`,
                increment: Math.max(0, pct - reported),
              });
              reported = Math.max(reported, pct);
            },
          });
          this.log(`model: ${r.downloaded.length} file(s) downloaded, ${r.verified.length} verified, ${r.cached.length} trusted, in ${Math.round(performance.now() - t0)} ms → ${dir}`);
          return true;
        } catch (err) {
          if (isCancelled(err) || abort.signal.aborted) {
            this.log('model download cancelled; finished files and partial data are kept for the next attempt');
            return false;
          }
          throw err;
        } finally {
          sub.dispose();
        }
      },
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
