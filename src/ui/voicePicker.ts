/**
 * Choose Voice: the voices the active model set really has, grouped by where they come from. The picker is a list of
 * voice sources; each lists its voices and makes a picked one usable (download, vetting) before it is saved, so a
 * voice that cannot load is never saved. The current voice is marked and focused, so Enter keeps it.
 */
import path from 'node:path';
import * as vscode from 'vscode';
import { EngineError } from '../shared/errors';
import { isVoiceFile } from '../shared/voiceFiles';
import { formatSize, onnxManifest } from '../store/manifest';
import { manifestVoiceNames, voiceFileProblem, type VoiceListing } from '../store/voices';
import { readConfig, updateGlobal } from './config';
import { pickOne } from './quickPick';
import type { Services } from './services';
import { voiceLabel } from './statusBar';

export interface VoiceItem extends vscode.QuickPickItem {
  /** The value for `pocketReader.voice` this item stands for (undefined for actions such as "Voice file…"). */
  voice?: string;
  /** Makes the voice usable before it is saved; resolves with the value to save, or undefined to save nothing. */
  accept?: () => Promise<string | undefined>;
}

export interface VoiceContext {
  svc: Services;
  /** The configured voice. */
  current: string;
  /** The model folder in use and its voices. */
  dir: string;
  listing: VoiceListing;
  /** The folder is the extension's download (more voices can be fetched), not a local folder. */
  managed: boolean;
}

export interface VoiceSource {
  /** Separator label above this source's items. */
  title: string;
  items(ctx: VoiceContext): Promise<VoiceItem[]>;
}

const licenceOf = (name: string) => onnxManifest.files.find((f) => f.group === `voice:${name}`)?.license;

/** Built-in voices whose files are in the model folder. */
const modelVoices: VoiceSource = {
  title: 'In this model',
  items: async (ctx) =>
    ctx.listing.voices.map((v) => ({
      label: v.name,
      description: [licenceOf(v.name), v.name === onnxManifest.defaultVoice ? 'default' : undefined].filter(Boolean).join(' · ') || path.relative(ctx.dir, v.file),
      voice: v.name,
    })),
};

/** The download's voices not fetched yet, with their size: picking one fetches it (or leaves it to the model download). */
const downloadableVoices: VoiceSource = {
  title: 'Downloadable',
  items: async (ctx) => {
    if (!ctx.managed) return [];
    const present = new Set(ctx.listing.voices.map((v) => v.name));
    return manifestVoiceNames(onnxManifest)
      .filter((name) => !present.has(name))
      .map((name) => ({
        label: name,
        description: `$(cloud-download) ${formatSize(ctx.svc.models.downloadBytes([`voice:${name}`]))} · ${licenceOf(name) ?? onnxManifest.license}`,
        voice: name,
        accept: () => fetchVoice(ctx, name),
      }));
  },
};

/** The configured voice file, and browsing for another one. */
const voiceFiles: VoiceSource = {
  title: 'Voice files',
  items: async (ctx) => [
    ...(isVoiceFile(ctx.current) ? [{ label: path.basename(ctx.current), description: path.dirname(ctx.current), voice: ctx.current, accept: () => vetFile(ctx, ctx.current) }] : []),
    { label: '$(file) Voice file…', description: 'a .safetensors voice state', accept: () => browseFile(ctx) },
  ],
};

export const VOICE_SOURCES: readonly VoiceSource[] = [modelVoices, downloadableVoices, voiceFiles];

/** Resolves with the chosen voice (already saved to `pocketReader.voice`), or undefined. */
export async function chooseVoice(svc: Services): Promise<string | undefined> {
  const current = readConfig().voice;
  const dir = svc.setup.activeDir;
  const ctx: VoiceContext = { svc, current, dir, listing: await svc.setup.voices.list(dir), managed: dir === svc.models.managedDir };
  const items: VoiceItem[] = [];
  for (const source of VOICE_SOURCES) {
    const own = await source.items(ctx);
    if (own.length > 0) items.push({ label: source.title, kind: vscode.QuickPickItemKind.Separator }, ...own);
  }
  const marked = items.find((i) => i.voice === current);
  if (marked) marked.description = `$(check) current${marked.description ? ` · ${marked.description}` : ''}`;

  const pick = await pickOne(items, {
    title: 'Pocket Reader: choose a voice',
    placeholder: marked ? `current: ${voiceLabel(current)}` : `current: ${voiceLabel(current)} — not in this model, so its default voice is used`,
    active: marked,
    matchOnDescription: true,
  });
  if (!pick) return undefined;
  const voice = pick.accept ? await pick.accept() : pick.voice;
  if (!voice) return undefined;
  if (voice !== current) await updateGlobal('voice', voice);
  svc.log.line(`voice: ${voiceLabel(voice)}${voice === current ? ' (kept)' : ''}`);
  return voice;
}

/** Downloads a voice of the download's set; with the model itself not downloaded yet, the first reading fetches both. */
async function fetchVoice(ctx: VoiceContext, name: string): Promise<string | undefined> {
  try {
    if (!(await ctx.svc.models.managedCoreReady())) return name;
    if (!(await ctx.svc.models.download([`voice:${name}`]))) return undefined;
  } catch (err) {
    ctx.svc.errors.report(err);
    return undefined;
  }
  return name;
}

async function browseFile(ctx: VoiceContext): Promise<string | undefined> {
  const files = await vscode.window.showOpenDialog({ canSelectMany: false, filters: { 'Voice state': ['safetensors'] }, openLabel: 'Use This Voice', title: 'Pocket Reader: choose a voice file' });
  const file = files?.[0]?.fsPath;
  return file && path.isAbsolute(file) ? vetFile(ctx, file) : undefined;
}

/** The file if its header reads as a voice state; else the reason is reported and nothing is saved. */
async function vetFile(ctx: VoiceContext, file: string): Promise<string | undefined> {
  const problem = await voiceFileProblem(file);
  if (!problem) return file;
  ctx.svc.errors.report(new EngineError('UNKNOWN_VOICE', `the voice file cannot be used: ${problem}`));
  return undefined;
}
