/**
 * The languages Pocket TTS is published in, by ISO 639-1 code, and how tags written by people ("de-DE", "Deutsch",
 * "french") map onto them. No model or narration facts here: packs live in src/store, words in ./rules.
 */
export const LANGUAGES = ['en', 'fr', 'de', 'it', 'pt', 'es'] as const;
export type LanguageCode = (typeof LANGUAGES)[number];

export const DEFAULT_LANGUAGE: LanguageCode = 'en';

/** English name (messages, logs) and the language's own name (status bar tooltip, pickers). */
export const LANGUAGE_NAMES: Record<LanguageCode, { english: string; native: string }> = {
  en: { english: 'English', native: 'English' },
  fr: { english: 'French', native: 'Français' },
  de: { english: 'German', native: 'Deutsch' },
  it: { english: 'Italian', native: 'Italiano' },
  pt: { english: 'Portuguese', native: 'Português' },
  es: { english: 'Spanish', native: 'Español' },
};

export function isLanguageCode(value: unknown): value is LanguageCode {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);
}

const BY_NAME: Record<string, LanguageCode> = Object.fromEntries(
  LANGUAGES.flatMap((code) => [LANGUAGE_NAMES[code].english, LANGUAGE_NAMES[code].native].map((n) => [fold(n), code])),
);
// ISO 639-2 codes (franc-style, and what some front matter uses).
Object.assign(BY_NAME, { eng: 'en', fra: 'fr', fre: 'fr', deu: 'de', ger: 'de', ita: 'it', por: 'pt', spa: 'es', castellano: 'es' });

/** "de", "de-DE", "de_AT", "pt-BR", "German", "Deutsch", "FRA" → a supported code, or undefined. */
export function languageFromTag(tag: string | undefined): LanguageCode | undefined {
  const t = fold(tag ?? '');
  if (!t) return undefined;
  const primary = t.split(/[-_]/)[0]!;
  if (isLanguageCode(primary)) return primary;
  return BY_NAME[t] ?? BY_NAME[primary];
}

function fold(s: string): string {
  return s.trim().toLowerCase().normalize('NFD').replace(/\p{M}/gu, '');
}
