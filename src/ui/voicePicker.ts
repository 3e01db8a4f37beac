/**
 * Quick pick of a language's voices (with their licences), "Your voices" (made with the English model, so offered for
 * English), and "Voice file…" for a `.safetensors` voice state. The choice is saved for that language:
 * `pocketReader.voice` for English, `pocketReader.voices[lang]` for the others.
 */
import path from 'node:path';
import * as vscode from 'vscode';
import { packFor } from '../store/languagePacks';
import { LANGUAGE_NAMES, type LanguageCode } from '../text/language/codes';
import { readConfig, updateGlobal } from './config';
import { voiceFor } from './languageVoice';
import type { Services } from './services';
import { voiceLabel } from './statusBar';
import { yourVoiceItems, type YourVoiceItem } from './yourVoices';

interface VoiceItem extends YourVoiceItem {
  browse?: boolean;
}

/** Resolves with the chosen voice (already saved for `language`), or undefined. */
export async function chooseVoice(svc: Services, language: LanguageCode): Promise<string | undefined> {
  const cfg = readConfig();
  const pack = packFor(language, cfg.modelSize);
  const current = voiceFor(cfg, language);
  const items: VoiceItem[] = pack.voices.map((v) => ({
    label: v.name,
    description: `${v.license}${v.name === pack.defaultVoice ? ' · default' : ''}`,
    picked: v.name === current,
    voice: v.name,
  }));
  if (language === 'en') items.push(...(await yourVoiceItems(svc, current)));
  items.push({ label: '', kind: vscode.QuickPickItemKind.Separator }, { label: '$(file) Voice file…', description: `a .safetensors voice state for the ${LANGUAGE_NAMES[language].english} model`, browse: true });
  const pick = await vscode.window.showQuickPick(items, { title: `Pocket Reader: choose a ${LANGUAGE_NAMES[language].english} voice`, placeHolder: `current: ${voiceLabel(current)}` });
  if (!pick) return undefined;
  if (pick.run) return pick.run();
  let voice = pick.voice;
  if (pick.browse) {
    const files = await vscode.window.showOpenDialog({ canSelectMany: false, filters: { 'Voice state': ['safetensors'] }, openLabel: 'Use This Voice' });
    voice = files?.[0]?.fsPath;
    if (voice && !path.isAbsolute(voice)) return undefined;
  }
  if (!voice) return undefined;
  if (language === 'en') await updateGlobal('voice', voice);
  else await updateGlobal('voices', { ...cfg.voices, [language]: voice });
  return voice;
}
