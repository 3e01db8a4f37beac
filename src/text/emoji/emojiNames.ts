/**
 * CLDR short names of emoji ("❤️" → "red heart", "rotes Herz", "cœur rouge") from emojibase-data, in each
 * narration language.
 */
import de from 'emojibase-data/de/compact.json';
import en from 'emojibase-data/en/compact.json';
import es from 'emojibase-data/es/compact.json';
import fr from 'emojibase-data/fr/compact.json';
import it from 'emojibase-data/it/compact.json';
import pt from 'emojibase-data/pt/compact.json';
import type { LanguageCode } from '../language/codes';

export type EmojiLocale = LanguageCode;

/** The fields used here (scripts/build.mjs strips the rest from the bundle). */
interface EmojiEntry {
  label: string;
  unicode: string;
  /** Unicode emoji group; absent for components such as lone regional indicators. */
  group?: number;
}

export interface EmojiName {
  name: string;
  /** In the "Symbols" group: arrows, geometric shapes, ©, ™ — typography more often than a word. */
  symbol: boolean;
}

const DATA: Record<EmojiLocale, readonly EmojiEntry[]> = { en, fr, de, it, pt, es };
const GROUP_COMPONENT = 2;
const GROUP_SYMBOLS = 8;
const tables = new Map<EmojiLocale, Map<string, EmojiName>>();

/** The lookup key of an emoji sequence: without presentation selectors and skin tones ("👍🏽" → "👍"). */
function emojiKey(sequence: string): string {
  return sequence.replace(/[\uFE0E\uFE0F\u{1F3FB}-\u{1F3FF}]/gu, '');
}

export function emojiName(sequence: string, locale: EmojiLocale): EmojiName | undefined {
  let table = tables.get(locale);
  if (!table) {
    table = new Map();
    for (const e of DATA[locale]) {
      if (e.group === undefined || e.group === GROUP_COMPONENT) continue;
      // "flag: Portugal", "keycap: 1": the colon is notation, not speech.
      table.set(emojiKey(e.unicode), { name: e.label.replace(/:/g, ''), symbol: e.group === GROUP_SYMBOLS });
    }
    tables.set(locale, table);
  }
  return table.get(emojiKey(sequence));
}
