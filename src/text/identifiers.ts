/**
 * Inline code read as words: `getUserName` → "get user name", `snake_case` → "snake case",
 * `package.json` → "package dot json". Punctuation that carries no words (brackets, quotes,
 * operators) becomes a pause-free space so the voice doesn't spell it out.
 */

/** Symbols worth a word when they appear in code; everything else non-alphanumeric is a separator. */
const SYMBOL_WORDS: Record<string, string> = { '.': ' dot ', '&&': ' and ', '||': ' or ', '==': ' equals ', '===': ' equals ' };

/** Splits lowerUpper and ACRONYMWord boundaries; all-caps words (API, XML) keep their case so they are spelled. */
function splitCamel(word: string): string {
  if (!/\p{Lu}/u.test(word)) return word;
  return word
    .replace(/(\p{Ll})(\p{Lu})/gu, '$1 $2')
    .replace(/(\p{Lu})(\p{Lu}\p{Ll})/gu, '$1 $2')
    .split(' ')
    .map((part) => (/^\p{Lu}\p{Ll}/u.test(part) && part !== word ? part.toLowerCase() : part))
    .join(' ');
}

export function speakIdentifier(code: string): string {
  return code
    .replace(/\s*(&&|\|\|)\s*/g, (op) => SYMBOL_WORDS[op.trim()]!)
    // A dot between two name characters is spoken ("package dot json"); a trailing one is punctuation.
    .replace(/(?<=[\p{L}\p{N}])(\.|&&|\|\||===?)(?=[\p{L}\p{N}])/gu, (op) => SYMBOL_WORDS[op] ?? ' ')
    .replace(/[^\p{L}\p{N}\s'%$]+/gu, ' ')
    .split(/\s+/)
    .filter(Boolean)
    .map(splitCamel)
    .join(' ');
}
