import { spliceMapped, type MappedString } from '../mappedString';
import { emojiName, type EmojiLocale } from './emojiNames';

/** Any emoji sequence (ZWJ, flags, keycaps, skin tones), else a lone pictograph shown as text (❤ without U+FE0F). */
const EMOJI = new RegExp('\\p{RGI_Emoji}|\\p{Extended_Pictographic}', 'gv');
const MAYBE_EMOJI = /[\p{Extended_Pictographic}\p{Regional_Indicator}\u20E3]/u;
const WORD_CHAR = /[\p{L}\p{N}]/u;

/**
 * Emoji that stand for a word are read by their name: one emoji inside a clause, with words right
 * before and after it ("Made with ❤️ in Lisbon" → "Made with red heart in Lisbon"). Decoration is left
 * for normalize() to drop: runs (🎉🎉🎉), emoji opening or closing a sentence or clause ("🚀 Features",
 * "Done ✅", "fast ⚡,"), and typographic symbols shown as text (▪, ™).
 */
export function speakEmoji(m: MappedString, mode: 'name' | 'skip', locale: EmojiLocale = 'en'): MappedString {
  const text = m.text;
  if (mode === 'skip' || !MAYBE_EMOJI.test(text)) return m;
  const matches = [...text.matchAll(EMOJI)];
  const edits: { start: number; end: number; text: string }[] = [];
  matches.forEach((match, i) => {
    const start = match.index;
    const end = start + match[0].length;
    const alone = !isNeighbour(text, matches[i - 1], start) && !isNeighbour(text, matches[i + 1], end);
    const before = text.slice(0, start).trimEnd();
    const after = text.slice(end).trimStart();
    if (!alone || !WORD_CHAR.test(before.at(-1) ?? '') || !WORD_CHAR.test(after[0] ?? '')) return;
    const entry = emojiName(match[0], locale);
    const shownAsText = !match[0].includes('\uFE0F') && !/\p{Emoji_Presentation}/u.test(match[0]);
    if (!entry || (entry.symbol && shownAsText)) return;
    edits.push({ start, end, text: ` ${entry.name} ` });
  });
  // The name highlights the emoji it stands for.
  return spliceMapped(m, edits);
}

/** Whether `other` touches [.., at) or [at, ..) with only whitespace between: part of a run. */
function isNeighbour(text: string, other: RegExpExecArray | RegExpMatchArray | undefined, at: number): boolean {
  if (!other || other.index === undefined) return false;
  const gap = other.index < at ? text.slice(other.index + other[0].length, at) : text.slice(at, other.index);
  return gap.trim() === '';
}
