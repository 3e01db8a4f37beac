import type { BlockContent, Html, Link, Nodes, Parent, PhrasingContent, Root, RootContent } from 'mdast';
import { parseFragment } from 'parse5';
import { lineAt, lineStarts } from '../lines';
import { HtmlText } from './htmlText';
import { boundDepth, flow, phrasing, SLOT, type HtmlContext, type Position } from './htmlToMdast';
import { range, type Doc } from './inline';

/** Parents whose children are inline: their html nodes are single tags between Markdown nodes. */
const PHRASING_PARENTS = new Set(['paragraph', 'heading', 'tableCell', 'emphasis', 'strong', 'delete', 'link', 'linkReference']);

/**
 * Replaces every `html` node of the tree by the mdast nodes its visible content stands for (rehype-raw's
 * idea, kept in mdast so one walker reads both). A block of HTML is parsed on its own; inline tags are
 * parsed together with placeholders for the Markdown between them, so `<a href>…</a>` still wraps the
 * image inside it and `<script>…</script>` still hides what it contains. Iterative: documents nest deep.
 */
export function expandHtml(doc: Doc, root: Root): void {
  let starts: number[] | undefined;
  const position = (start: number, end: number): Position => {
    starts ??= lineStarts(doc.source);
    const point = (offset: number) => {
      const line = lineAt(starts!, offset);
      return { line: line + 1, column: offset - starts![line]! + 1, offset: offset - doc.shift };
    };
    return { start: point(start), end: point(end) };
  };
  const stack: Nodes[] = [root];
  for (let node = stack.pop(); node; node = stack.pop()) {
    if (!('children' in node)) continue;
    const parent = node as Parent;
    if (parent.children.some((child) => child.type === 'html')) {
      parent.children = PHRASING_PARENTS.has(parent.type)
        ? inline(doc, parent.children as PhrasingContent[], position, parent.type === 'link' ? (node as Link).url : undefined)
        : parent.children.flatMap((child): RootContent[] => (child.type === 'html' ? block(doc, child, position) : [child]));
    }
    for (const child of parent.children) stack.push(child);
  }
}

type PositionOf = HtmlContext['position'];

function block(doc: Doc, node: Html, position: PositionOf): BlockContent[] {
  const r = range(doc, node);
  if (!r) return [];
  const html = new HtmlText();
  html.appendSource(node.value, doc.source, r[0], r[1]);
  return flow(parse(html), { html, slots: [], position });
}

function inline(doc: Doc, nodes: readonly PhrasingContent[], position: PositionOf, href: string | undefined): PhrasingContent[] {
  const html = new HtmlText();
  const slots: PhrasingContent[] = [];
  for (const node of nodes) {
    const r = node.type === 'html' ? range(doc, node) : undefined;
    if (node.type === 'html') {
      if (r) html.appendSource(node.value, doc.source, r[0], r[1]);
    } else {
      html.appendPlaceholder(`<${SLOT} i="${slots.length}"></${SLOT}>`);
      slots.push(node);
    }
  }
  return phrasing(parse(html), { html, slots, position }, href);
}

function parse(html: HtmlText) {
  const nodes = parseFragment(html.html, { sourceCodeLocationInfo: true }).childNodes;
  boundDepth(nodes);
  return nodes;
}
