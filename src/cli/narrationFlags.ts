import type { NarrateOptions } from '../text/narrate';

/** The `say` flags that mirror the extension's reading settings (pocketReader.codeBlocks, tables, announceHeadings, emoji). */
export const NARRATION_FLAGS = {
  'code-blocks': { type: 'string' },
  tables: { type: 'string' },
  'announce-headings': { type: 'boolean' },
  emoji: { type: 'string' },
} as const;

export const NARRATION_USAGE = `  --code-blocks M     Markdown code: skip | announce | read (default skip; announce with --dry-run)
  --tables M          Markdown tables: read | skip | announce (default read)
  --announce-headings say "Heading." before each heading
  --emoji M           emoji that stand for a word: name | skip (default name)`;

type Values = { 'code-blocks'?: string; tables?: string; 'announce-headings'?: boolean; emoji?: string };
type Options = Partial<Pick<NarrateOptions, 'codeBlocks' | 'tables' | 'announceHeadings' | 'emoji'>>;

/** Only the flags given, so each caller keeps its own defaults; a bad value throws with the accepted ones. */
export function narrationOptions(values: Values): Options {
  const opts: Options = {};
  if (values['code-blocks'] !== undefined) opts.codeBlocks = pick('--code-blocks', values['code-blocks'], ['skip', 'announce', 'read']);
  if (values.tables !== undefined) opts.tables = pick('--tables', values.tables, ['read', 'skip', 'announce']);
  if (values['announce-headings']) opts.announceHeadings = true;
  if (values.emoji !== undefined) opts.emoji = pick('--emoji', values.emoji, ['name', 'skip']);
  return opts;
}

function pick<const T extends string>(flag: string, value: string, accepted: readonly T[]): T {
  if (!accepted.includes(value as T)) throw new Error(`${flag} must be one of ${accepted.join(', ')} (got "${value}")`);
  return value as T;
}
