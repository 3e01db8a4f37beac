import type { Root } from 'mdast';
import { fromMarkdown } from 'mdast-util-from-markdown';
import { frontmatterFromMarkdown } from 'mdast-util-frontmatter';
import { gfmFromMarkdown } from 'mdast-util-gfm';
import { frontmatter } from 'micromark-extension-frontmatter';
import { gfm } from 'micromark-extension-gfm';

const MATTER = ['yaml', 'toml'] as const;

/**
 * GFM + front matter, the dialect READMEs are written in. The only module that knows the parser,
 * so swapping it (markdown-it, a worker) touches nothing else.
 *
 * micromark drops a leading BOM and reports offsets without it; callers add `bomLength` back.
 */
export function parseMarkdown(source: string): { root: Root; bomLength: number } {
  const bomLength = source.charCodeAt(0) === 0xfeff ? 1 : 0;
  const root = fromMarkdown(source.slice(bomLength), {
    extensions: [gfm(), frontmatter([...MATTER])],
    mdastExtensions: [gfmFromMarkdown(), frontmatterFromMarkdown([...MATTER])],
  });
  return { root, bomLength };
}
