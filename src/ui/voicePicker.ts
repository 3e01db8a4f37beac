/**
 * Choose Voice for a language: the voices its model set really has, grouped by where they come from. The picker is a
 * list of voice sources; each lists its voices and makes a picked one usable (download, vetting) before it is saved,
 * so a voice that cannot load is never saved. The current voice is marked and focused, so Enter keeps it. The choice
 * is saved for that language: `pocketReader.voice` for English, `pocketReader.voices[lang]` for the others.
 */
import path from 'node:path';
import * as vscode from 'vscode';
import { EngineError } from '../shared/errors';
import { isVoiceFile } from '../shared/voiceFiles';
import { packFor, type LanguagePack } from '../store/languagePacks';
import { formatSize, onnxManifest } from '../store/manifest';
import { manifestVoiceNames, voiceFileProblem, type VoiceListing } from '../store/voices';
import { LANGUAGE_NAMES, type LanguageCode } from '../text/language/codes';
import { readConfig, updateGlobal } from './config';
import { voiceFor } from './languageVoice';
import { pickOne } from './quickPick';
import type { Services } from './services';
import { voiceLabel } from './statusBar';
import { userVoices, yourVoiceItems } from './yourVoices';

export interface VoiceItem extends vscode.QuickPickItem {
  /** The voice setting value this item stands for (undefined for actions such as "Voice file…"). */
  voice?: string;
  /** Makes the voice usable before it is saved; resolves with the value to save, or undefined to save nothing. */
  accept?: () => Promise<string | undefined>;
}

export interface VoiceContext {
  svc: Services;
  language: LanguageCode;
  /** The language's model (English: the pinned manifest; others: their pack). */
  pack: LanguagePack | undefined;
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

function licenceOf(ctx: VoiceContext, name: string): string | undefined {
  if (ctx.pack) return ctx.pack.voices.find((v) => v.name === name)?.license;
  return onnxManifest.files.find((f) => f.group === `voice:${name}`)?.license;
}

const defaultVoiceOf = (ctx: VoiceContext) => ctx.pack?.defaultVoice ?? onnxManifest.defaultVoice;

/** Built-in voices whose files are in the model folder. */
const modelVoices: VoiceSource = {
  title: 'In this model',
  items: async (ctx) =>
    ctx.listing.voices.map((v) => ({
      label: v.name,
      description: [licenceOf(ctx, v.name), v.name === defaultVoiceOf(ctx) ? 'default' : undefined].filter(Boolean).join(' · ') || path.relative(ctx.dir, v.file),
      voice: v.name,
    })),
};

/** The download's voices not fetched yet, with their size: picking one fetches it (or leaves it to the model download). */
const downloadableVoices: VoiceSource = {
  title: 'Downloadable',
  items: async (ctx) => {
    if (!ctx.managed) return [];
    const present = new Set(ctx.listing.voices.map((v) => v.name));
    const names = ctx.pack ? ctx.pack.voices.map((v) => v.name) : manifestVoiceNames(onnxManifest);
    return names
      .filter((name) => !present.has(name))
      .map((name) => ({
        label: name,
        description: `$(cloud-download) ${ctx.pack ? 'a few MB' : formatSize(ctx.svc.models.downloadBytes([`voice:${name}`]))} · ${licenceOf(ctx, name) ?? onnxManifest.license}`,
        voice: name,
        accept: () => fetchVoice(ctx, name),
      }));
  },
};

/** The user's own voices (made with the English model): use one, create one, manage them. */
const yourVoices: VoiceSource = {
  title: 'Your voices',
  items: async (ctx) => (ctx.language === 'en' ? yourVoiceItems(ctx.svc) : []),
};

/** The configured voice file, and browsing for another one. */
const voiceFiles: VoiceSource = {
  title: 'Voice files',
  items: async (ctx) => [
    ...(isVoiceFile(ctx.current) && !userVoices(ctx.svc).owns(ctx.current)
      ? [{ label: path.basename(ctx.current), description: path.dirname(ctx.current), voice: ctx.current, accept: () => vetFile(ctx, ctx.current) }]
      : []),
    { label: '$(file) Voice file…', description: `a .safetensors voice state for the ${LANGUAGE_NAMES[ctx.language].english} model`, accept: () => browseFile(ctx) },
  ],
};

export const VOICE_SOURCES: readonly VoiceSource[] = [modelVoices, downloadableVoices, yourVoices, voiceFiles];

/** Resolves with the chosen voice (already saved for `language`), or undefined. */
export async function chooseVoice(svc: Services, language: LanguageCode): Promise<string | undefined> {
  const cfg = readConfig();
  const current = voiceFor(cfg, language);
  const pack = language === 'en' ? undefined : packFor(language, cfg.modelSize);
  const { dir, managed } = svc.setup.voiceFolder(language);
  const ctx: VoiceContext = { svc, language, pack, current, dir, listing: await svc.setup.voices.list(dir), managed };
  const items: VoiceItem[] = [];
  for (const source of VOICE_SOURCES) {
    const own = await source.items(ctx);
    if (own.length > 0) items.push({ label: source.title, kind: vscode.QuickPickItemKind.Separator }, ...own);
  }
  const marked = items.find((i) => i.voice === current);
  if (marked) marked.description = `$(check) current${marked.description ? ` · ${marked.description}` : ''}`;

  const name = LANGUAGE_NAMES[language].english;
  const pick = await pickOne(items, {
    title: `Pocket Reader: choose a ${name} voice`,
    placeholder: marked ? `current: ${voiceLabel(current)}` : `current: ${voiceLabel(current)} — not in this model, so its default voice is used`,
    active: marked,
    matchOnDescription: true,
  });
  if (!pick) return undefined;
  const voice = pick.accept ? await pick.accept() : pick.voice;
  if (!voice) return undefined;
  if (voice !== current) {
    if (language === 'en') await updateGlobal('voice', voice);
    else await updateGlobal('voices', { ...cfg.voices, [language]: voice });
  }
  svc.log.line(`voice (${language}): ${voiceLabel(voice)}${voice === current ? ' (kept)' : ''}`);
  return voice;
}

/** Downloads a voice of the download's set; with the model itself not downloaded yet, the first reading fetches both. */
async function fetchVoice(ctx: VoiceContext, name: string): Promise<string | undefined> {
  try {
    if (ctx.pack) {
      if (!(await ctx.svc.models.downloadPack(ctx.pack, [name]))) return undefined;
    } else {
      if (!(await ctx.svc.models.managedCoreReady())) return name;
      if (!(await ctx.svc.models.download([`voice:${name}`]))) return undefined;
    }
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
