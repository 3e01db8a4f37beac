/**
 * Which language to read a document in. Front matter (`lang:` / `language:`) wins; then the prose of the document
 * (or selection) is identified with eld (its extra-small n-gram set, restricted to the six published languages:
 * measured best of eld, tinyld and franc-min on short paragraphs, see README); text too short to tell falls back to
 * the editor's display language. Mixed documents go with the language of most of their prose.
 */
import { commentSyntaxFor } from '../commentSyntax';
import { proseBlocks } from '../narrate';
import { DEFAULT_LANGUAGE, LANGUAGES, isLanguageCode, languageFromTag, type LanguageCode } from './codes';

type Detector = Awaited<typeof import('eld/extrasmall')>['eld'];
let loaded: Promise<Detector> | undefined;

/** Loaded on first use (1 MB of n-grams; the package is ESM-only, hence import()). */
function detector(): Promise<Detector> {
  return (loaded ??= import('eld/extrasmall').then(({ eld }) => {
    const d = eld.newInstance();
    d.setLanguageSubset([...LANGUAGES]);
    return d;
  }));
}

/** Letters below which a paragraph, or the whole text, is too short to tell. */
const MIN_LETTERS = 12;
/** Prose looked at per document: enough to be sure, cheap on a 1 MB file. */
const SAMPLE_CHARS = 20_000;

export type LanguageSetting = LanguageCode | 'auto';
export type LanguageSource = 'setting' | 'front matter' | 'detected' | 'display language';

export interface LanguageChoice {
  language: LanguageCode;
  source: LanguageSource;
}

export interface ChooseLanguageInput {
  setting: LanguageSetting;
  /** The whole document and its VS Code language id. */
  document: string;
  languageId: string;
  /** What is read, when it is a selection: identified first, the document is the fallback. */
  selection?: string;
  /** VS Code's display language (`vscode.env.language`) or the OS locale for the CLI. */
  displayLanguage?: string;
}

export async function chooseLanguage(input: ChooseLanguageInput): Promise<LanguageChoice> {
  if (input.setting !== 'auto' && isLanguageCode(input.setting)) return { language: input.setting, source: 'setting' };
  const declared = frontMatterLanguage(input.document);
  if (declared) return { language: declared, source: 'front matter' };
  const found =
    (input.selection !== undefined ? await identify(prose(input.selection, input.languageId)) : undefined) ?? (await identify(prose(input.document, input.languageId)));
  if (found) return { language: found, source: 'detected' };
  return { language: languageFromTag(input.displayLanguage) ?? DEFAULT_LANGUAGE, source: 'display language' };
}

/** The language of most of the prose (weighted by letters), or undefined when there is too little to tell. */
export async function identify(paragraphs: Iterable<string>): Promise<LanguageCode | undefined> {
  const d = await detector();
  const weight = new Map<LanguageCode, number>();
  let seen = 0;
  for (const p of paragraphs) {
    if (seen >= SAMPLE_CHARS) break;
    const text = p.slice(0, SAMPLE_CHARS - seen);
    seen += text.length;
    const letters = text.match(/\p{L}/gu)?.length ?? 0;
    if (letters < MIN_LETTERS) continue;
    const r = d.detect(text);
    if (!r.isReliable() || !isLanguageCode(r.language)) continue;
    weight.set(r.language, (weight.get(r.language) ?? 0) + letters);
  }
  let best: LanguageCode | undefined;
  for (const [lang, w] of weight) if (!best || w > weight.get(best)!) best = lang;
  return best;
}

/** `lang:` / `language:` in YAML (`---`) or TOML (`+++`) front matter at the top of a Markdown file. */
export function frontMatterLanguage(source: string): LanguageCode | undefined {
  const m = /^\uFEFF?(---|\+\+\+)\r?\n([\s\S]*?)\r?\n\1[ \t]*(?:\r?\n|$)/.exec(source);
  if (!m) return undefined;
  const line = /^(?:lang|language|locale)[ \t]*[:=][ \t]*["']?([A-Za-z][\w-]*)/m.exec(m[2]!);
  return languageFromTag(line?.[1]);
}

/** Code files: only their comments are prose worth identifying (code itself looks like no language, or a wrong one). */
function prose(text: string, languageId: string): Iterable<string> {
  const opts = { languageId, codeBlocks: 'skip' as const };
  if (languageId === 'markdown' || languageId === 'plaintext') return proseBlocks(text, opts);
  if (commentSyntaxFor(languageId)) return proseBlocks(text, { ...opts, commentsOnly: true });
  return /^(?:json|xml|csv|log|ini|properties)$/.test(languageId) ? [] : proseBlocks(text, opts);
}
