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
export function speakEmoji(text: string, mode: 'name' | 'skip', locale: EmojiLocale = 'en'): string {
  if (mode === 'skip' || !MAYBE_EMOJI.test(text)) return text;
  const matches = [...text.matchAll(EMOJI)];
  let out = '';
  let from = 0;
  matches.forEach((m, i) => {
    const start = m.index;
    const end = start + m[0].length;
    const alone = !isNeighbour(text, matches[i - 1], start) && !isNeighbour(text, matches[i + 1], end);
    const before = text.slice(0, start).trimEnd();
    const after = text.slice(end).trimStart();
    if (!alone || !WORD_CHAR.test(before.at(-1) ?? '') || !WORD_CHAR.test(after[0] ?? '')) return;
    const entry = emojiName(m[0], locale);
    const shownAsText = !m[0].includes('\uFE0F') && !/\p{Emoji_Presentation}/u.test(m[0]);
    if (!entry || (entry.symbol && shownAsText)) return;
    out += `${text.slice(from, start)} ${entry.name} `;
    from = end;
  });
  return out + text.slice(from);
}

/** Whether `other` touches [.., at) or [at, ..) with only whitespace between: part of a run. */
function isNeighbour(text: string, other: RegExpExecArray | RegExpMatchArray | undefined, at: number): boolean {
  if (!other || other.index === undefined) return false;
  const gap = other.index < at ? text.slice(other.index + other[0].length, at) : text.slice(at, other.index);
  return gap.trim() === '';
}
