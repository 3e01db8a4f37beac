import type { Image, ImageReference, Node, PhrasingContent } from 'mdast';
import { speakIdentifier } from '../identifiers';
import { MappedText } from '../mappedText';
import { isUrlText, hostOf } from '../urls';

/** Source text plus the shift from parser offsets to source offsets (a stripped BOM). */
export interface Doc {
  source: string;
  shift: number;
}

export function range(doc: Doc, node: Node): [number, number] | undefined {
  const s = node.position?.start.offset;
  const e = node.position?.end.offset;
  return s === undefined || e === undefined ? undefined : [s + doc.shift, e + doc.shift];
}

/** GitHub alert markers ("> [!NOTE]") are read as the word they contain. */
const ALERT = /^\[!(NOTE|TIP|IMPORTANT|WARNING|CAUTION)\]/i;

/**
 * Flattens phrasing content (a paragraph, heading or cell) into spoken text. Markup disappears
 * because only values are kept; link text is read, never the URL; a line break is a pause;
 * footnote references are dropped. Inline HTML was expanded into these nodes (expandHtml).
 */
export function phrasingText(doc: Doc, nodes: readonly PhrasingContent[], out = new MappedText()): MappedText {
  for (const node of nodes) appendPhrasing(doc, node, out);
  return out;
}

function appendPhrasing(doc: Doc, node: PhrasingContent, out: MappedText): void {
  const r = range(doc, node);
  switch (node.type) {
    case 'text': {
      if (!r) return;
      const alert = out.length === 0 ? ALERT.exec(node.value) : null;
      if (alert) {
        const at = doc.source.indexOf(alert[1]!, r[0]);
        out.appendCoarse(`${alert[1]![0]}${alert[1]!.slice(1).toLowerCase()}.`, at, at + alert[1]!.length);
        out.appendSpace();
        const rest = node.value.slice(alert[0].length);
        out.appendAligned(rest, doc.source, at + alert[1]!.length, r[1]);
        return;
      }
      out.appendAligned(node.value, doc.source, r[0], r[1]);
      return;
    }
    case 'emphasis':
    case 'strong':
    case 'delete':
      phrasingText(doc, node.children, out);
      return;
    case 'inlineCode': {
      if (!r) return;
      const words = speakIdentifier(node.value);
      if (!words) return;
      // Map to the code itself, not its backticks, so the highlight hugs the words.
      const at = doc.source.indexOf(node.value, r[0]);
      const [s, e] = at >= 0 && at < r[1] ? [at, at + node.value.length] : r;
      out.appendCoarse(words, s, e);
      return;
    }
    case 'link': {
      const text = plainValue(node.children);
      if (node.url.startsWith('mailto:') && r) {
        // An address is words a listener may need; "@" is read as "at".
        out.appendAligned(text.replace('@', ' at '), doc.source, r[0], r[1]);
        return;
      }
      if (isUrlText(text, node.url) && r) {
        const host = hostOf(text) ?? hostOf(node.url);
        if (host) out.appendAligned(host, doc.source, r[0], r[1]);
        return;
      }
      phrasingText(doc, node.children, out);
      return;
    }
    case 'linkReference':
      phrasingText(doc, node.children, out);
      return;
    case 'image':
    case 'imageReference':
      appendAlt(doc, node, out);
      return;
    case 'break':
      out.appendBreak();
      return;
    case 'footnoteReference':
      return;
    default:
      return;
  }
}

/** Alt text, aligned inside the image's source ("![alt](src)") so the highlight covers the alt. */
export function appendAlt(doc: Doc, node: Image | ImageReference, out: MappedText): void {
  const r = range(doc, node);
  const alt = node.alt?.trim();
  if (!r || !alt) return;
  out.appendAligned(alt, doc.source, r[0], r[1]);
}

function plainValue(nodes: readonly PhrasingContent[]): string {
  return nodes.map((n) => ('value' in n ? n.value : 'children' in n ? plainValue(n.children as PhrasingContent[]) : '')).join('');
}
