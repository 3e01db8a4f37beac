/**
 * HTML (parsed by parse5, with source locations) → the mdast nodes a reader would see in the rendered page,
 * so HTML is narrated by the same rules as Markdown: <h1> is a heading, <p> and <div> text are paragraphs,
 * <li> items, <td> cells, <pre> a code block, <img alt> its alt text, <br> a pause. Never spoken: <script>,
 * <style> and other non-rendered elements, comments, attributes, hidden elements and status badges.
 */
import type { DefaultTreeAdapterTypes as P } from 'parse5';
import type { BlockContent, ListItem, Nodes, PhrasingContent, TableCell, TableRow } from 'mdast';
import { isBadge } from './badges';
import type { HtmlText } from './htmlText';

/** A placeholder element standing for a Markdown node between inline HTML tags (see expandHtml). */
export const SLOT = 'pocket-reader-slot';

export interface HtmlContext {
  html: HtmlText;
  /** Markdown nodes the SLOT placeholders stand for, by their `i` attribute. */
  slots: readonly PhrasingContent[];
  /** An mdast position for a source range. */
  position: (start: number, end: number) => Position;
}

/** Not rendered as text, or not text a reader would read out. */
const SILENT = new Set(['script', 'style', 'template', 'noscript', 'head', 'title', 'meta', 'link', 'base', 'iframe', 'object',
  'embed', 'svg', 'math', 'canvas', 'audio', 'video', 'textarea', 'select', 'input', 'datalist', 'map', 'rp']);
/** Elements that start a block of their own; everything else flows inline. */
const BLOCK = new Set(['address', 'article', 'aside', 'blockquote', 'caption', 'center', 'details', 'dialog', 'dd', 'div', 'dl', 'dt',
  'fieldset', 'figcaption', 'figure', 'footer', 'form', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'header', 'hgroup', 'hr', 'legend', 'li',
  'main', 'menu', 'nav', 'ol', 'p', 'pre', 'section', 'summary', 'table', 'tbody', 'td', 'tfoot', 'th', 'thead', 'tr', 'ul']);
/** Inline elements whose content is code, read like `inline code`. */
const CODE = new Set(['code', 'samp', 'tt', 'var']);
const HEADING = /^h([1-6])$/;
/** Pages nest a few levels; the conversion recurses, so deeper elements are read as their text (see boundDepth). */
const MAX_DEPTH = 100;
const LEAVES = new Set([SLOT, 'img', 'br']);

type Node = P.ChildNode;
export type Position = NonNullable<Nodes['position']>;
type Element = P.Element;

const isElement = (node: Node): node is Element => 'tagName' in node;
const attr = (el: Element, name: string) => el.attrs.find((a) => a.name === name)?.value;

function silent(el: Element): boolean {
  return SILENT.has(el.tagName) || attr(el, 'hidden') !== undefined || attr(el, 'aria-hidden') === 'true';
}

function position(cx: HtmlContext, node: Node): Position | undefined {
  const loc = node.sourceCodeLocation;
  return loc ? cx.position(...cx.html.sourceRange(loc.startOffset, loc.endOffset)) : undefined;
}

/**
 * Keeps the recursion below within MAX_DEPTH on hostile input (thousands of nested tags): an element that deep
 * keeps only its visible text nodes, in order. Iterative.
 */
export function boundDepth(nodes: readonly Node[]): void {
  const stack: [Node, number][] = nodes.map((n) => [n, 1]);
  for (let top = stack.pop(); top; top = stack.pop()) {
    const [node, depth] = top;
    if (!isElement(node)) continue;
    if (depth < MAX_DEPTH) for (const child of node.childNodes) stack.push([child, depth + 1]);
    else node.childNodes = visibleText(node);
  }
}

/** Text, placeholders, images and line breaks under `el`, in document order. */
function visibleText(el: Element): Node[] {
  const leaves: Node[] = [];
  const stack: Node[] = [...el.childNodes].reverse();
  for (let node = stack.pop(); node; node = stack.pop()) {
    if (!isElement(node)) {
      if (node.nodeName === '#text') leaves.push(node);
    } else if (LEAVES.has(node.tagName)) leaves.push(node);
    else if (!silent(node)) for (let i = node.childNodes.length - 1; i >= 0; i--) stack.push(node.childNodes[i]!);
  }
  return leaves;
}

/** Block content: inline runs between block elements become paragraphs. */
export function flow(nodes: readonly Node[], cx: HtmlContext): BlockContent[] {
  const out: BlockContent[] = [];
  let run: PhrasingContent[] = [];
  const flush = () => {
    if (run.some((n) => n.type !== 'break' && (n.type !== 'text' || /\S/.test(n.value)))) out.push({ type: 'paragraph', children: run });
    run = [];
  };
  for (const node of nodes) {
    if (isElement(node) && BLOCK.has(node.tagName) && !silent(node)) {
      flush();
      out.push(...block(node, cx));
    } else run.push(...phrasing([node], cx));
  }
  flush();
  return out;
}

function block(el: Element, cx: HtmlContext): BlockContent[] {
  const heading = HEADING.exec(el.tagName);
  if (heading) {
    const depth = Number(heading[1]) as 1 | 2 | 3 | 4 | 5 | 6;
    return [{ type: 'heading', depth, children: phrasing(el.childNodes, cx), position: position(cx, el) }];
  }
  switch (el.tagName) {
    case 'blockquote':
      return [{ type: 'blockquote', children: flow(el.childNodes, cx), position: position(cx, el) }];
    case 'ul':
    case 'ol':
    case 'menu': {
      const items = el.childNodes.flatMap((child) => listItem(child, cx));
      return items.length > 0 ? [{ type: 'list', ordered: el.tagName === 'ol', children: items, position: position(cx, el) }] : [];
    }
    case 'li':
      return [{ type: 'list', children: listItem(el, cx), position: position(cx, el) }];
    case 'table':
      return table(el, cx);
    case 'pre':
      return [{ type: 'code', value: textContent(el), position: position(cx, el) }];
    case 'hr':
      return [{ type: 'thematicBreak', position: position(cx, el) }];
    default:
      return flow(el.childNodes, cx);
  }
}

function listItem(node: Node, cx: HtmlContext): ListItem[] {
  const children = isElement(node) && node.tagName === 'li' ? flow(node.childNodes, cx) : flow([node], cx);
  return children.length > 0 ? [{ type: 'listItem', children, position: position(cx, node) }] : [];
}

function table(el: Element, cx: HtmlContext): BlockContent[] {
  const before: BlockContent[] = [];
  const rows: TableRow[] = [];
  const visit = (nodes: readonly Node[]) => {
    for (const node of nodes) {
      if (!isElement(node) || silent(node)) continue;
      if (node.tagName === 'tr') {
        const cells = node.childNodes.filter((c): c is Element => isElement(c) && (c.tagName === 'td' || c.tagName === 'th'));
        const children = cells.map((cell): TableCell => ({ type: 'tableCell', children: phrasing(cell.childNodes, cx), position: position(cx, cell) }));
        rows.push({ type: 'tableRow', children, position: position(cx, node) });
      } else if (node.tagName === 'caption') before.push(...flow(node.childNodes, cx));
      else visit(node.childNodes); // thead, tbody, tfoot
    }
  };
  visit(el.childNodes);
  return rows.length > 0 ? [...before, { type: 'table', children: rows, position: position(cx, el) }] : before;
}

/**
 * Inline content. `href` is the enclosing link's target, so a linked CI image is known as a badge. A block
 * element met here (a <p> inside a <td>) keeps its text and ends with a pause.
 */
export function phrasing(nodes: readonly Node[], cx: HtmlContext, href?: string): PhrasingContent[] {
  const out: PhrasingContent[] = [];
  for (const node of nodes) {
    if (node.nodeName === '#text') {
      out.push({ type: 'text', value: (node as P.TextNode).value, position: position(cx, node) });
      continue;
    }
    if (!isElement(node) || silent(node)) continue; // comments, doctypes
    const tag = node.tagName;
    if (tag === SLOT) {
      const slot = cx.slots[Number(attr(node, 'i'))];
      if (slot) out.push(slot);
    } else if (tag === 'br') out.push({ type: 'break', position: position(cx, node) });
    else if (tag === 'img') out.push(...image(node, cx, href));
    else if (tag === 'a') {
      const url = attr(node, 'href') ?? '';
      const children = phrasing(node.childNodes, cx, url);
      if (children.length > 0) out.push({ type: 'link', url, children, position: position(cx, node) });
    } else if (CODE.has(tag)) {
      const value = textContent(node);
      if (value.trim()) out.push({ type: 'inlineCode', value, position: position(cx, node) });
    } else {
      out.push(...phrasing(node.childNodes, cx, href));
      if (BLOCK.has(tag)) out.push({ type: 'break' });
    }
  }
  return out;
}

/** The alt text, positioned on the alt attribute so the highlight lands on it. */
function image(el: Element, cx: HtmlContext, href: string | undefined): PhrasingContent[] {
  const alt = attr(el, 'alt');
  const url = attr(el, 'src') ?? '';
  const loc = el.sourceCodeLocation?.attrs?.['alt'];
  if (!alt?.trim() || !loc || isBadge(url, href)) return [];
  return [{ type: 'image', url, alt, position: cx.position(...cx.html.sourceRange(loc.startOffset, loc.endOffset)) }];
}

function textContent(el: Element): string {
  return el.childNodes.map((c) => (c.nodeName === '#text' ? (c as P.TextNode).value : isElement(c) ? textContent(c) : '')).join('');
}
