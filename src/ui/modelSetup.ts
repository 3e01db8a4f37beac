/**
 * Gets a reading to a usable model folder and voice, asking the user only what they must decide: on first use
 * download or a local folder; a broken local folder → the downloaded model or another folder; offline → retry or a
 * local folder. Every answer that fixes the problem continues the waiting reading; closing the question cancels it.
 */
import { CommandId } from '../commands/ids';
import { EngineError } from '../shared/errors';
import { checkModelDir, type ModelProblem } from '../store/modelStore';
import { formatSize } from '../store/manifest';
import { hfEndpoint } from '../store/hfEndpoint';
import { packFor } from '../store/languagePacks';
import type { LanguageCode } from '../text/language/codes';
import type { ActiveVoice } from './activeVoice';
import { readConfig } from './config';
import { voiceFor } from './languageVoice';
import { DOWNLOAD, modelFolderError, USE_LOCAL_FOLDER } from './errorMessages';
import { runAction, type ErrorReporter } from './errorReport';
import type { ModelManager } from './modelManager';
import type { ModelPrompt, ModelQuestion } from './modelPrompt';

export interface ReadyModel {
  modelDir: string;
  /** The voice to read with (the configured one, or the model's default when the model lacks it). */
  voice: string;
}

const WAITING = 'A reading is waiting for the speech model.';

export class ModelSetup {
  constructor(
    private readonly models: ModelManager,
    readonly prompt: ModelPrompt,
    readonly voices: ActiveVoice,
    private readonly errors: ErrorReporter,
    private readonly log: (line: string) => void,
  ) {}

  /**
   * The model folder and voice to read `language` with, or undefined when the user declined or a problem was
   * reported. The engine keeps one language loaded: another folder reloads it between requests.
   */
  async ensureReady(language: LanguageCode = 'en'): Promise<ReadyModel | undefined> {
    const modelDir = await this.ensureModel(language);
    if (!modelDir) return undefined;
    const voice = await this.voices.resolve(modelDir, voiceFor(readConfig(), language));
    this.models.prepareCoreML(modelDir);
    return { modelDir, voice };
  }

  /**
   * The folder whose voices Choose Voice offers for `language`: the local folder when it serves that language, else
   * the download's (`managed`: more voices can be fetched into it).
   */
  voiceFolder(language: LanguageCode): { dir: string; managed: boolean } {
    const local = this.models.localFolderFor(language);
    if (local) return { dir: local, managed: false };
    return { dir: language === 'en' ? this.models.managedDir : this.models.packDir(packFor(language, readConfig().modelSize)), managed: true };
  }

  private async ensureModel(language: LanguageCode): Promise<string | undefined> {
    if (language !== 'en' && !this.models.localFolderFor(language)) {
      try {
        return await this.models.ensurePack(packFor(language, readConfig().modelSize));
      } catch (err) {
        this.errors.report(err);
        return undefined;
      }
    }
    /** "Use Downloaded Model" was chosen: download without asking again. */
    let downloadApproved = false;
    /** A download completed: if the check still fails, something is wrong beyond what asking again can fix. */
    let downloaded = false;
    /** Asked next instead of looking at the model again (the outcome of the last answer). */
    let next: ModelQuestion | undefined;
    /** Downloads and records the outcome; false when the reading should end. */
    const download = async (): Promise<boolean> => {
      const outcome = await this.download();
      if (outcome === 'stop') return false;
      if (outcome === 'done') downloaded = true;
      else next = outcome;
      return true;
    };
    for (;;) {
      let question = next;
      next = undefined;
      if (!question) {
        const cfg = readConfig();
        const local = this.models.localFolderFor(language);
        if (local) {
          const problems = await checkModelDir(local);
          if (problems.length === 0) return local;
          question = this.fromError(modelFolderError(local, problems, 'folder'), true);
        } else {
          const problems = await this.models.managedProblems(cfg.voice);
          if (problems.length === 0) return this.models.managedDir;
          if (downloaded) {
            this.errors.report(modelFolderError(this.models.managedDir, problems, 'download'));
            return undefined;
          }
          const corrupt = problems.some((p) => p.kind === 'corrupt');
          if (downloadApproved && !corrupt) {
            if (!(await download())) return undefined;
            continue;
          }
          question = corrupt ? this.fromError(modelFolderError(this.models.managedDir, problems, 'download'), false) : this.firstUse(cfg.voice, problems);
        }
      }
      this.log(`waiting for an answer: ${question.message}`);
      const answer = await this.prompt.ask(question);
      if (answer === 'recheck') continue;
      if (answer === 'dismissed' || answer === 'superseded') {
        this.log(answer === 'dismissed' ? 'no model chosen; the waiting reading is cancelled' : 'a newer request took over the question');
        return undefined;
      }
      this.log(`answer: ${answer.title}`);
      switch (answer.command) {
        case CommandId.DownloadModel:
          if (!(await download())) return undefined;
          break;
        case CommandId.UseLocalModel: {
          const folder = await this.models.chooseFolder();
          if (!folder) {
            next = question; // the dialog was closed: the question stands
            break;
          }
          const problems = await checkModelDir(folder);
          if (problems.length > 0) next = this.fromError(modelFolderError(folder, problems, 'folder'), true);
          else await this.models.useFolder(folder);
          break;
        }
        case CommandId.UseDownloadedModel:
          await this.models.useDownloaded();
          downloadApproved = true;
          break;
        default:
          runAction(answer); // Open Settings: the fix happens there, so this reading ends
          return undefined;
      }
    }
  }

  /** 'done'; 'stop' (cancelled, or a failure that was reported); or the question to ask when it failed offline. */
  private async download(): Promise<ModelQuestion | 'done' | 'stop'> {
    try {
      return (await this.models.download()) ? 'done' : 'stop';
    } catch (err) {
      if (err instanceof EngineError && err.code === 'OFFLINE') return this.fromError(err, false);
      this.errors.report(err);
      return 'stop';
    }
  }

  private fromError(err: EngineError, localFolder: boolean): ModelQuestion {
    const d = this.errors.describe(err, { localFolder });
    return { message: d.message, actions: d.actions, severity: d.severity, waiting: WAITING };
  }

  private firstUse(voice: string, problems: readonly ModelProblem[]): ModelQuestion {
    const size = formatSize(this.models.downloadBytes(this.models.groupsFor(voice)));
    const onlyVoice = problems.every((p) => p.file.startsWith('voices/'));
    const message = onlyVoice
      ? `Pocket Reader: the voice "${voice}" is not downloaded yet (≈ ${formatSize(this.models.downloadBytes([`voice:${voice}`]))}). Download it, or use a local model folder?`
      : `Pocket Reader: the speech model is needed first (≈ ${size}, downloaded once from ${downloadHost()}). Download it, or use a local model folder?`;
    return { message, actions: [DOWNLOAD, USE_LOCAL_FOLDER], severity: 'info', waiting: WAITING };
  }
}

/** The host downloads really come from (a mirror when HF_ENDPOINT is set). */
function downloadHost(): string {
  return new URL(hfEndpoint()).host;
}
