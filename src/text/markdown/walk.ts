import type { Heading, Nodes, Paragraph, PhrasingContent, Table } from 'mdast';
import { RULES } from '../language/rules';
import type { Block } from '../segmentBlocks';
import { MappedText } from '../mappedText';
import { PAUSE_MS } from '../pauses';
import type { NarrateOptions } from '../segment';
import { isBadge } from './badges';
import { codeLines } from './codeLines';
import { appendAlt, phrasingText, range, type Doc } from './inline';

/** The kind a paragraph takes from its nearest container: "> - item" is a list item. */
type ProseKind = 'paragraph' | 'listItem' | 'quote';

/**
 * Walks the tree in document order and returns blocks. HTML must have been expanded into mdast
 * (expandHtml); front matter and link or footnote definitions produce nothing; code and tables
 * follow the options; footnote bodies are read where they are written, without their "[^1]:"
 * label. Iterative, with an explicit stack, so thousands of nested quotes or lists cannot overflow
 * the call stack.
 */
export function walk(doc: Doc, root: Nodes, opts: NarrateOptions): Block[] {
  const { words } = RULES[opts.language ?? 'en'];
  const blocks: Block[] = [];
  const urlOf = definitionUrls(root);
  const stack: [Nodes, ProseKind][] = [[root, 'paragraph']];
  const pushChildren = (children: readonly Nodes[], kind: ProseKind) => {
    for (let i = children.length - 1; i >= 0; i--) stack.push([children[i]!, kind]);
  };
  for (let top = stack.pop(); top; top = stack.pop()) {
    const [node, kind] = top;
    switch (node.type) {
      case 'root':
      case 'footnoteDefinition':
        pushChildren(node.children, kind);
        break;
      case 'blockquote':
        pushChildren(node.children, 'quote');
        break;
      case 'list':
      case 'listItem':
        pushChildren(node.children, 'listItem');
        break;
      case 'heading':
        blocks.push(heading(doc, node, opts));
        break;
      case 'paragraph':
        blocks.push(...paragraph(doc, node, kind, urlOf));
        break;
      case 'table': {
        const r = range(doc, node);
        if (opts.tables === 'announce' && r) {
          blocks.push({ kind: 'tableAnnouncement', words: words.tableSkipped, start: r[0], end: r[1], pauseAfterMs: PAUSE_MS.tableAnnouncement });
        } else if (opts.tables !== 'skip') blocks.push(...table(doc, node));
        break;
      }
      case 'code': {
        const r = range(doc, node);
        if (opts.codeBlocks === 'read') blocks.push(...codeLines(doc, node));
        else if (opts.codeBlocks === 'announce' && r) {
          blocks.push({ kind: 'codeAnnouncement', words: words.codeSkipped, start: r[0], end: r[1], pauseAfterMs: PAUSE_MS.codeAnnouncement });
        }
        break;
      }
      case 'thematicBreak':
        blocks.push({ kind: 'break', pauseMs: PAUSE_MS.thematicBreak });
        break;
      default:
        // yaml, toml, definition: markup, not prose.
        break;
    }
  }
  return blocks;
}

const PROSE_PAUSE: Record<ProseKind, number> = {
  paragraph: PAUSE_MS.paragraph,
  listItem: PAUSE_MS.listItem,
  quote: PAUSE_MS.quote,
};

function heading(doc: Doc, node: Heading, opts: NarrateOptions): Block {
  // "# Tool [![Build](…)](…)": the badges are decoration once the heading has words of its own.
  const words = node.children.filter((child) => !imagesOnly([child]));
  const children = words.some((child) => child.type !== 'text' || child.value.trim()) ? words : node.children;
  const prefix = opts.announceHeadings ? RULES[opts.language ?? 'en'].words.heading : undefined;
  return { kind: 'heading', text: phrasingText(doc, children), pauseAfterMs: PAUSE_MS.heading, prefix };
}

/** Resolves a node's URL: its own, or its reference's definition ("[![Build][b]][ci]" … "[b]: https://…"). */
type UrlOf = (node: ImageNode | LinkNode) => string | undefined;

function definitionUrls(root: Nodes): UrlOf {
  const defs = new Map<string, string>();
  const stack: Nodes[] = [root];
  for (let n = stack.pop(); n; n = stack.pop()) {
    if (n.type === 'definition') defs.set(n.identifier, n.url);
    else if ('children' in n) stack.push(...(n.children as Nodes[]));
  }
  return (node) => ('url' in node ? node.url : defs.get(node.identifier));
}

function* paragraph(doc: Doc, node: Paragraph, kind: ProseKind, urlOf: UrlOf): Generator<Block> {
  const images = imagesOnly(node.children);
  if (images) {
    // A row of badges or a lone screenshot: each alt is its own short utterance, not one run-on sentence; status
    // badges (a badge service's image, or an image linking to CI) are silent, in Markdown as in HTML.
    for (const { image, link } of images) {
      if (isBadge(urlOf(image) ?? '', link && urlOf(link))) continue;
      const text = new MappedText();
      appendAlt(doc, image, text);
      if (text.length > 0) yield { kind: 'imageAlt', text, pauseAfterMs: PAUSE_MS.imageAlt };
    }
    return;
  }
  yield { kind, text: phrasingText(doc, node.children), pauseAfterMs: PROSE_PAUSE[kind] };
}

type ImageNode = Extract<PhrasingContent, { type: 'image' | 'imageReference' }>;
type LinkNode = Extract<PhrasingContent, { type: 'link' | 'linkReference' }>;

/** The images (with the link around each) of a paragraph made of nothing but images and whitespace, else undefined. */
function imagesOnly(nodes: readonly PhrasingContent[], link?: LinkNode): { image: ImageNode; link?: LinkNode }[] | undefined {
  const images: { image: ImageNode; link?: LinkNode }[] = [];
  for (const node of nodes) {
    if (node.type === 'image' || node.type === 'imageReference') images.push({ image: node, link });
    else if (node.type === 'link' || node.type === 'linkReference') {
      const inner = imagesOnly(node.children, node);
      if (!inner) return undefined;
      images.push(...inner);
    } else if (node.type === 'break' || (node.type === 'text' && node.value.trim() === '')) continue;
    else return undefined;
  }
  return images.length > 0 ? images : undefined;
}

function* table(doc: Doc, node: Table): Generator<Block> {
  for (const row of node.children) {
    const cells = row.children
      .map((cell) => phrasingText(doc, cell.children))
      .filter((text) => /[\p{L}\p{N}]/u.test(text.text));
    for (const [i, text] of cells.entries()) {
      yield { kind: 'tableCell', text, pauseAfterMs: i === cells.length - 1 ? PAUSE_MS.tableRow : PAUSE_MS.tableCell };
    }
  }
}
