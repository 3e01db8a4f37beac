/**
 * What the user reads when something goes wrong, and the buttons that fix it, as plain data (no vscode import) so
 * every message is unit-tested: each starts with "Pocket Reader:", settings problems open the exact setting, and
 * expected problems are marked so the log gets one line for them instead of a stack trace.
 */
import { PlayerUnavailableError } from '../audio/players';
import { ImplausiblePlaybackError, PlayerExitError } from '../audio/sink';
import { PLAYER_SETTING } from '../audio/sinkChoice';
import { ViewAudioError } from '../audio/webviewSink';
import { CommandId } from '../commands/ids';
import { EngineError } from '../shared/errors';
import type { ModelProblem } from '../store/modelCheck';
import { formatSize } from '../store/manifest';

/** A message button: runs `command` with `args`. */
export interface MessageAction {
  title: string;
  command: string;
  args?: unknown[];
}

export interface ErrorDescription {
  code: string;
  message: string;
  actions: MessageAction[];
  severity: 'error' | 'info';
  /** A problem users run into (bad setting, no model, offline…): logged as one line, without a stack trace. */
  expected: boolean;
}

export interface ErrorContext {
  /** The model in use is a local folder (pocketReader.modelPath), not the download. */
  localFolder: boolean;
  /** Offer "Save as WAV Instead" for this document (a vscode.Uri) when audio output is the problem. */
  saveTarget?: unknown;
}

export const PREFIX = 'Pocket Reader:';

export const openSettings = (setting: string): MessageAction => ({ title: 'Open Settings', command: 'workbench.action.openSettings', args: [setting] });
const action = (title: string, command: CommandId): MessageAction => ({ title, command });

export const DOWNLOAD = action('Download', CommandId.DownloadModel);
export const USE_LOCAL_FOLDER = action('Use Local Folder', CommandId.UseLocalModel);
export const USE_DOWNLOADED = action('Use Downloaded Model', CommandId.UseDownloadedModel);
export const CHOOSE_ANOTHER_FOLDER = action('Choose Another Folder', CommandId.UseLocalModel);
const SHOW_LOG = action('Show Log', CommandId.ShowLog);
const CHOOSE_VOICE = action('Choose Voice', CommandId.ChooseVoice);
const CHOOSE_RECORDING = action('Choose Another Recording', CommandId.CreateVoice);

/** Codes that mean the software itself failed; everything else is a situation the user can fix. */
const UNEXPECTED = new Set(['INTERNAL', 'ENGINE_FAILED']);

export function describeError(err: unknown, ctx: ErrorContext): ErrorDescription {
  const d = describe(err, ctx);
  return { ...d, expected: !UNEXPECTED.has(d.code) };
}

function describe(err: unknown, ctx: ErrorContext): Omit<ErrorDescription, 'expected'> {
  const save: MessageAction[] = ctx.saveTarget ? [{ title: 'Save as WAV Instead', command: CommandId.SaveAudio, args: [ctx.saveTarget] }] : [];
  const error = (code: string, message: string, actions: MessageAction[]) => ({ code, message: `${PREFIX} ${message}`, actions, severity: 'error' as const });
  if (err instanceof PlayerUnavailableError) {
    return error('NO_PLAYER', `cannot play audio: ${err.message}`, [...save, err.setting ? openSettings(err.setting) : SHOW_LOG]);
  }
  if (err instanceof PlayerExitError || err instanceof ImplausiblePlaybackError) return error('PLAYER_FAILED', err.message, [...save, SHOW_LOG]);
  if (err instanceof ViewAudioError) return error('VIEW_AUDIO', err.message, [...save, openSettings(PLAYER_SETTING)]);
  if (!(err instanceof EngineError)) return error('INTERNAL', err instanceof Error ? err.message : String(err), [SHOW_LOG]);
  switch (err.code) {
    case 'CANCELLED':
      return { code: err.code, message: `${PREFIX} ${err.message}`, actions: [], severity: 'info' };
    case 'EMPTY_TEXT':
    case 'NOTHING_SPEAKABLE':
      return { code: err.code, message: `${PREFIX} nothing to read here (${err.message}).`, actions: [], severity: 'info' };
    case 'MODEL_MISSING':
    case 'MODEL_CORRUPT':
      if (ctx.localFolder) return error(err.code, `${err.message}.`, [USE_DOWNLOADED, CHOOSE_ANOTHER_FOLDER, openSettings('pocketReader.modelPath')]);
      return error(err.code, `${err.message}.`, [{ ...DOWNLOAD, title: err.code === 'MODEL_CORRUPT' ? 'Download Again' : 'Download Model' }, USE_LOCAL_FOLDER]);
    case 'UNKNOWN_VOICE':
      return error(err.code, `${err.message}.`, [CHOOSE_VOICE, openSettings('pocketReader.voice')]);
    case 'BAD_RECORDING':
      return error(err.code, err.message, [CHOOSE_RECORDING]);
    case 'OFFLINE':
      return error(err.code, 'cannot reach the model server — you seem to be offline (or behind a proxy: set http.proxy).', [
        { ...DOWNLOAD, title: 'Retry' },
        USE_LOCAL_FOLDER,
        openSettings('http.proxy'),
      ]);
    case 'DOWNLOAD_FAILED':
      return error(err.code, `the model download failed. ${err.message}`, [{ ...DOWNLOAD, title: 'Retry' }, USE_LOCAL_FOLDER]);
    case 'ENGINE_FAILED':
      return error(err.code, `reading stopped because ${err.message}`, [SHOW_LOG]);
    case 'BACKEND_UNAVAILABLE':
      return error(err.code, err.message, [openSettings('pocketReader.backend')]);
    default:
      return error(err.code, err.message, [SHOW_LOG]);
  }
}

/** A model folder's problems in plain words, as an error naming the folder: "the model folder … is damaged: …". */
export function modelFolderError(dir: string, problems: readonly ModelProblem[], which: 'folder' | 'download'): EngineError {
  const what = which === 'folder' ? `the model folder ${dir}` : 'the downloaded speech model';
  if (problems.some((p) => p.file === '.')) return new EngineError('MODEL_MISSING', `${what} does not exist`);
  const corrupt = problems.some((p) => p.kind === 'corrupt');
  const listed = problems.slice(0, 3).map(plainProblem);
  if (problems.length > 3) listed.push(`${problems.length - 3} more file(s) are missing or damaged`);
  return new EngineError(corrupt ? 'MODEL_CORRUPT' : 'MODEL_MISSING', `${what} is ${corrupt ? 'damaged' : 'incomplete'}: ${listed.join('; ')}`);
}

function plainProblem(p: ModelProblem): string {
  switch (p.reason) {
    case 'missing':
      return `${p.name} is missing`;
    case 'empty':
      return `${p.name} is empty`;
    case 'not-a-file':
      return `${p.name} is not a file`;
    case 'truncated':
      return `${p.name} is incomplete (${formatSize(p.bytes ?? 0)} of ${formatSize(p.expectedBytes ?? 0)})`;
  }
}
