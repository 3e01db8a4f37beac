/**
 * Keeps source ranges valid while the document is edited during reading. VS Code reports each edit as
 * (rangeOffset, rangeLength, text) against the document *before* the event; applying one event's edits from the
 * highest offset down keeps every offset meaningful. No `vscode` import, so it is unit-tested on its own.
 */
export interface OffsetEdit {
  rangeOffset: number;
  rangeLength: number;
  text: string;
}

export interface OffsetSpan {
  start: number;
  end: number;
}

/** The span after one edit, or null when the edit removed or replaced all of its text. */
export function remapSpan(span: OffsetSpan, edit: OffsetEdit): OffsetSpan | null {
  const a = edit.rangeOffset;
  const b = a + edit.rangeLength;
  const delta = edit.text.length - edit.rangeLength;
  if (span.end <= a) return span; // entirely before (typing at the end does not grow it)
  if (span.start >= b) return { start: span.start + delta, end: span.end + delta }; // entirely after (inserting at the start shifts it)
  if (a <= span.start && b >= span.end) return null; // its whole text is gone
  // Partial overlap: keep what survives; text typed inside the span becomes part of it.
  const start = span.start <= a ? span.start : a + edit.text.length;
  const end = span.end >= b ? span.end + delta : a + edit.text.length;
  return start < end ? { start, end } : null;
}

/** Applies one change event (edits relative to the pre-event document) to a span. */
export function remapThroughEdits(span: OffsetSpan | null, edits: readonly OffsetEdit[]): OffsetSpan | null {
  let s = span;
  for (const e of [...edits].sort((x, y) => y.rangeOffset - x.rangeOffset)) {
    if (!s) return null;
    s = remapSpan(s, e);
  }
  return s;
}

/** A set of spans (one per segment being read) that follows document edits; deleted spans become null. */
export class SpanTracker {
  private spans: Array<OffsetSpan | null>;

  constructor(spans: readonly OffsetSpan[]) {
    this.spans = spans.map((s) => ({ start: s.start, end: s.end }));
  }

  get(index: number): OffsetSpan | null {
    return this.spans[index] ?? null;
  }

  apply(edits: readonly OffsetEdit[]): void {
    if (edits.length === 0) return;
    this.spans = this.spans.map((s) => remapThroughEdits(s, edits));
  }
}
