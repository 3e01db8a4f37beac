// Python `str` semantics that prepare_text_prompt relies on. JS differs: `\s` includes U+FEFF but not
// U+001C..U+001F / U+0085, and `text[0]` is a UTF-16 unit, not a code point.

/** Exactly the characters CPython's str.isspace() / str.split() / str.strip() treat as whitespace. */
const PY_WS = '\t\n\v\f\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000';
const LEADING_WS = new RegExp(`^[${PY_WS}]+`);
const TRAILING_WS = new RegExp(`[${PY_WS}]+$`);
const WS_RUN = new RegExp(`[${PY_WS}]+`);
const IS_WS = new RegExp(`^[${PY_WS}]$`);
const NOT_WS = new RegExp(`[^${PY_WS}]`);

export function pyIsSpace(ch: string): boolean {
  return IS_WS.test(ch);
}

/** text.strip() == "" without copying a possibly huge string. */
export function pyIsBlank(text: string): boolean {
  return !NOT_WS.test(text);
}

export function pyStrip(text: string): string {
  return text.replace(LEADING_WS, '').replace(TRAILING_WS, '');
}

/** len(text.split()) */
export function pyWordCount(text: string): number {
  const s = pyStrip(text);
  return s === '' ? 0 : s.split(WS_RUN).length;
}

/** str.isalnum() of one code point: categories L* or a numeric character. */
export function pyIsAlnum(ch: string): boolean {
  return /^[\p{L}\p{N}]$/u.test(ch);
}

/** str.isupper() of one code point (the Unicode `Uppercase` property, which CPython uses). */
export function pyIsUpper(ch: string): boolean {
  return /^\p{Uppercase}$/u.test(ch);
}

export function firstCodePoint(text: string): string {
  const cp = text.codePointAt(0);
  return cp === undefined ? '' : String.fromCodePoint(cp);
}

export function lastCodePoint(text: string): string {
  if (text === '') return '';
  const lo = text.charCodeAt(text.length - 1);
  const hasPair = lo >= 0xdc00 && lo <= 0xdfff && text.length >= 2 && isHighSurrogate(text.charCodeAt(text.length - 2));
  return text.slice(hasPair ? -2 : -1);
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}
