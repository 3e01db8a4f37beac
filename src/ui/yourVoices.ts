/**
 * "Your voices": voices made from the user's recordings, with consent, entirely on this machine. Creating one
 * (consent first, then the recording and a name), listing them in Choose Voice, renaming, deleting, previewing.
 */
import path from 'node:path';
import * as vscode from 'vscode';
import { checkModelDir } from '../store/modelCheck';
import { MAX_NAME_LENGTH, UserVoiceStore, type UserVoice } from '../store/userVoices';
import { readConfig, updateGlobal } from './config';
import { modelFolderError } from './errorMessages';
import type { Services } from './services';
import { previewVoice } from './voicePreview';
import type { VoiceItem } from './voicePicker';

export function userVoices(svc: Services): UserVoiceStore {
  return new UserVoiceStore(path.join(svc.context.globalStorageUri.fsPath, 'voices'));
}

const CONSENT = 'I Have Consent';

/** The whole flow, consent first; resolves with the new voice file, or undefined when the user stopped or it failed. */
export async function createVoiceFromRecording(svc: Services): Promise<string | undefined> {
  let recording: vscode.Uri | undefined;
  let name: string | undefined;
  try {
    const consent = await vscode.window.showWarningMessage(
      'Pocket Reader: make a voice only from a recording of yourself, or of someone who has explicitly agreed that you may make and use a copy of their voice.',
      {
        modal: true,
        detail:
          "The model's terms forbid using a voice to impersonate anyone or to deceive. The voice is made on this computer; the recording never leaves it.",
      },
      CONSENT,
    );
    if (consent !== CONSENT) return undefined;
    recording = (
      await vscode.window.showOpenDialog({
        canSelectMany: false,
        filters: { 'WAV recordings': ['wav', 'wave'] },
        openLabel: 'Make a Voice from This Recording',
        title: 'Pocket Reader: choose a recording (WAV, 3–30 s of one person speaking)',
      })
    )?.[0];
    if (!recording) return undefined;
    if (recording.scheme !== 'file') {
      svc.errors.info('NOT_LOCAL', 'Pocket Reader: choose a recording on this computer.');
      return undefined;
    }
    const store = userVoices(svc);
    const taken = (await store.list()).map((v) => v.name);
    name = await askName(store, taken, suggestName(recording.fsPath, taken), 'name the new voice');
  } catch (err) {
    svc.errors.report(err);
    return undefined;
  }
  return name === undefined ? undefined : createVoice(svc, recording.fsPath, name);
}

/**
 * Makes the voice `name` from `recording` (consent given) and stores it: the voice encoder is fetched first if
 * needed, the engine does the work, the file is written whole. Failures are reported; resolves with the file.
 */
export async function createVoice(svc: Services, recording: string, name: string): Promise<string | undefined> {
  try {
    const store = userVoices(svc);
    const problem = store.nameProblem(name, (await store.list()).map((v) => v.name));
    if (problem) throw new Error(problem);
    const modelDir = await ensureEncoder(svc);
    if (!modelDir) return undefined;
    const source = path.basename(recording);
    const cloned = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Pocket Reader: making the voice “${name}” from ${source}…` },
      () =>
        svc.engine.get(modelDir, readConfig()).call('cloneVoice', {
          recording,
          metadata: { 'pocket_reader.name': name, 'pocket_reader.recording': source, 'pocket_reader.consent': `confirmed by the user on ${new Date().toISOString()}` },
        }),
    );
    const voice = await store.add(name, cloned.safetensors);
    svc.log.line(`voice "${voice.name}" made from ${recording} (${cloned.seconds.toFixed(1)} s, ${cloned.positions} positions) → ${voice.file}`);
    for (const n of cloned.notices) svc.log.line(`voice "${voice.name}": ${n.message}`);
    const summary = `Pocket Reader: made the voice “${voice.name}” from ${cloned.seconds.toFixed(1)} s of ${source}.`;
    const notices = cloned.notices.map((n) => n.message).join(' ');
    const show = notices ? vscode.window.showWarningMessage : vscode.window.showInformationMessage;
    void show(notices ? `${summary} ${notices}` : summary, 'Use This Voice', 'Preview').then((choice) => {
      if (choice === 'Use This Voice') void updateGlobal('voice', voice.file);
      if (choice === 'Preview') void preview(svc, voice);
    });
    return voice.file;
  } catch (err) {
    svc.errors.report(err);
    return undefined;
  }
}

/** The model folder, with the voice encoder in it: downloaded the first time (into the managed model only). */
async function ensureEncoder(svc: Services): Promise<string | undefined> {
  const dir = (await svc.setup.ensureReady('en'))?.modelDir;
  if (!dir) return undefined;
  const problems = await checkModelDir(dir, undefined, { groups: ['encoder'] });
  if (problems.length === 0) return dir;
  if (dir !== svc.models.managedDir) throw modelFolderError(dir, problems, 'folder');
  return (await svc.models.download(['encoder'], 'Pocket Reader: downloading the voice encoder (once)')) ? dir : undefined;
}

function suggestName(recording: string, taken: readonly string[]): string {
  const base = path.basename(recording, path.extname(recording)).replace(/[\\/:*?"<>|\p{Cc}]/gu, ' ').trim().slice(0, MAX_NAME_LENGTH - 4) || 'My voice';
  let name = base;
  for (let n = 2; taken.some((t) => t.toLowerCase() === name.toLowerCase()); n++) name = `${base} ${n}`;
  return name;
}

async function askName(store: UserVoiceStore, taken: readonly string[], value: string, what: string): Promise<string | undefined> {
  const name = await vscode.window.showInputBox({
    title: `Pocket Reader: ${what}`,
    prompt: 'Shown under "Your voices" in Choose Voice',
    value,
    validateInput: (v) => store.nameProblem(v, taken),
  });
  return name?.trim();
}

/**
 * Choose Voice's "Your voices" source: the voices (picking one uses it), then create (the new voice is used) and
 * manage (preview, rename, delete).
 */
export async function yourVoiceItems(svc: Services): Promise<VoiceItem[]> {
  const current = readConfig().voice;
  const voices = await userVoices(svc).list();
  const items: VoiceItem[] = voices.map((v) => ({ label: v.name, description: describe(v, current), voice: v.file }));
  items.push({ label: '$(add) Create Voice from Recording…', description: 'from a WAV recording, with consent', accept: () => createVoiceFromRecording(svc) });
  if (voices.length > 0) {
    items.push({ label: '$(edit) Manage Your Voices…', description: 'preview, rename, delete', accept: async () => void (await manageYourVoices(svc)) });
  }
  return items;
}

function describe(v: UserVoice, current: string): string {
  return `made ${v.created.toLocaleDateString()}${v.file === current ? ' · current' : ''}`;
}

const PREVIEW = { iconPath: new vscode.ThemeIcon('play'), tooltip: 'Preview' };
const RENAME = { iconPath: new vscode.ThemeIcon('edit'), tooltip: 'Rename…' };
const DELETE = { iconPath: new vscode.ThemeIcon('trash'), tooltip: 'Delete…' };

/** A list of the user's voices with preview, rename and delete buttons; picking one uses it. */
export async function manageYourVoices(svc: Services): Promise<string | undefined> {
  const store = userVoices(svc);
  const voices = await store.list();
  if (voices.length === 0) {
    const choice = await vscode.window.showInformationMessage('Pocket Reader: you have no voices of your own yet.', 'Create Voice from Recording…');
    return choice ? createVoiceFromRecording(svc) : undefined;
  }
  const current = readConfig().voice;
  const pick = vscode.window.createQuickPick<vscode.QuickPickItem & { voice: UserVoice }>();
  pick.title = 'Pocket Reader: your voices';
  pick.placeholder = 'Pick a voice to use it, or use the buttons to preview, rename or delete';
  pick.items = voices.map((v) => ({ label: v.name, description: describe(v, current), voice: v, buttons: [PREVIEW, RENAME, DELETE] }));
  return new Promise<string | undefined>((resolve) => {
    let next: Promise<string | undefined> | undefined;
    pick.onDidTriggerItemButton((e) => {
      const v = e.item.voice;
      if (e.button === PREVIEW) return void preview(svc, v);
      pick.hide();
      next = (e.button === RENAME ? renameVoice(svc, store, v) : deleteVoice(svc, store, v)).then(() => manageYourVoices(svc));
    });
    pick.onDidAccept(() => {
      const v = pick.selectedItems[0]?.voice;
      pick.hide();
      if (v) next = Promise.resolve(updateGlobal('voice', v.file)).then(() => v.file);
    });
    pick.onDidHide(() => {
      pick.dispose();
      resolve(next ?? Promise.resolve(undefined));
    });
    pick.show();
  });
}

async function renameVoice(svc: Services, store: UserVoiceStore, voice: UserVoice): Promise<void> {
  const taken = (await store.list()).map((v) => v.name).filter((n) => n !== voice.name);
  const name = await askName(store, taken, voice.name, `rename “${voice.name}”`);
  if (!name || name === voice.name) return;
  try {
    const renamed = await store.rename(voice, name);
    if (readConfig().voice === voice.file) await updateGlobal('voice', renamed.file);
    svc.log.line(`voice "${voice.name}" renamed to "${renamed.name}"`);
  } catch (err) {
    svc.errors.report(err);
  }
}

async function deleteVoice(svc: Services, store: UserVoiceStore, voice: UserVoice): Promise<void> {
  const ok = await vscode.window.showWarningMessage(`Pocket Reader: delete the voice “${voice.name}”?`, { modal: true, detail: 'This cannot be undone; the recording it was made from is not touched.' }, 'Delete');
  if (ok !== 'Delete') return;
  try {
    await store.remove(voice);
    svc.log.line(`voice "${voice.name}" deleted`);
    if (readConfig().voice === voice.file) {
      await updateGlobal('voice', undefined); // back to the default voice
      void vscode.window.showInformationMessage(`Pocket Reader: “${voice.name}” was your current voice; reading now uses the default voice.`);
    }
  } catch (err) {
    svc.errors.report(err);
  }
}

async function preview(svc: Services, voice: UserVoice): Promise<void> {
  try {
    await previewVoice(svc, voice.file, voice.name);
  } catch (err) {
    svc.errors.report(err);
  }
}
