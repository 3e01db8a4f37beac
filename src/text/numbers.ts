// Number words for English narration. Kept separate from normalize.ts so the rules there read as a table.

const ONES = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven',
  'twelve', 'thirteen', 'fourteen', 'fifteen', 'sixteen', 'seventeen', 'eighteen', 'nineteen'];
const TENS = ['', '', 'twenty', 'thirty', 'forty', 'fifty', 'sixty', 'seventy', 'eighty', 'ninety'];
const SCALES = ['', 'thousand', 'million', 'billion', 'trillion', 'quadrillion'];

/** Longest integer read as a cardinal; longer runs (IDs, hashes) are read digit by digit. */
const MAX_CARDINAL_DIGITS = 18;

function below1000(n: number): string {
  const words: string[] = [];
  const hundreds = Math.floor(n / 100);
  const rest = n % 100;
  if (hundreds > 0) words.push(ONES[hundreds]!, 'hundred');
  if (rest > 0) words.push(below100(rest));
  return words.join(' ');
}

function below100(n: number): string {
  if (n < 20) return ONES[n]!;
  const unit = n % 10;
  return unit === 0 ? TENS[Math.floor(n / 10)]! : `${TENS[Math.floor(n / 10)]}-${ONES[unit]}`;
}

/** "1234" → "one thousand two hundred thirty-four". Takes digits only (grouping commas removed). */
export function cardinal(digits: string): string {
  if (digits.length > 1 && digits.startsWith('0')) return digitByDigit(digits);
  if (digits.length > MAX_CARDINAL_DIGITS) return digitByDigit(digits);
  const trimmed = digits.replace(/^0+(?=\d)/, '');
  if (trimmed === '0') return 'zero';
  const groups: number[] = [];
  for (let end = trimmed.length; end > 0; end -= 3) groups.unshift(Number(trimmed.slice(Math.max(0, end - 3), end)));
  const words: string[] = [];
  groups.forEach((g, i) => {
    if (g === 0) return;
    const scale = SCALES[groups.length - 1 - i]!;
    words.push(scale ? `${below1000(g)} ${scale}` : below1000(g));
  });
  return words.join(' ');
}

/** "007" → "zero zero seven"; also the digits after a decimal point. */
export function digitByDigit(digits: string): string {
  return [...digits].map((d) => ONES[Number(d)]).join(' ');
}

const ORDINAL_WORDS: Record<string, string> = {
  one: 'first', two: 'second', three: 'third', five: 'fifth', eight: 'eighth', nine: 'ninth', twelve: 'twelfth',
};

/** "21" → "twenty-first". */
export function ordinal(digits: string): string {
  const words = cardinal(digits);
  const m = /^(.*?)([a-z]+)$/.exec(words);
  if (!m) return words;
  const [, head, last] = m as unknown as [string, string, string];
  if (ORDINAL_WORDS[last]) return head + ORDINAL_WORDS[last];
  if (last.endsWith('y')) return `${head}${last.slice(0, -1)}ieth`;
  return `${head}${last}th`;
}

/** "1999" → "nineteen ninety-nine", "1905" → "nineteen oh five", "2000" → "two thousand", "2024" → "twenty twenty-four". */
export function year(digits: string): string {
  const n = Number(digits);
  const hi = Math.floor(n / 100);
  const lo = n % 100;
  if (n >= 2000 && n <= 2009) return cardinal(digits);
  if (lo === 0) return `${below100(hi)} hundred`;
  if (lo < 10) return `${below100(hi)} oh ${ONES[lo]}`;
  return `${below100(hi)} ${below100(lo)}`;
}
