/** The voice a language reads with: `pocketReader.voice` for English, `pocketReader.voices[lang]` or the pack's own. */
import { packFor, type ModelSize } from '../store/languagePacks';
import type { LanguageCode } from '../text/language/codes';

export interface VoiceSettings {
  voice: string;
  voices: Record<string, string>;
  modelSize: ModelSize;
}

export function voiceFor(cfg: VoiceSettings, language: LanguageCode): string {
  if (language === 'en') return cfg.voice;
  return cfg.voices[language]?.trim() || packFor(language, cfg.modelSize).defaultVoice;
}
