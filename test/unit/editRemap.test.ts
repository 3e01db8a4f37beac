// Range remapping while the document is edited during reading (src/text/editRemap.ts).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { remapSpan, remapThroughEdits, SpanTracker, type OffsetEdit } from '../../src/text/editRemap';

const ins = (at: number, text: string): OffsetEdit => ({ rangeOffset: at, rangeLength: 0, text });
const del = (from: number, to: number): OffsetEdit => ({ rangeOffset: from, rangeLength: to - from, text: '' });
const rep = (from: number, to: number, text: string): OffsetEdit => ({ rangeOffset: from, rangeLength: to - from, text });

/** Applies edits to a string the same way (descending offsets), to check spans still cover the same words. */
function applyText(text: string, edits: OffsetEdit[]): string {
  for (const e of [...edits].sort((a, b) => b.rangeOffset - a.rangeOffset)) {
    text = text.slice(0, e.rangeOffset) + e.text + text.slice(e.rangeOffset + e.rangeLength);
  }
  return text;
}

describe('remapSpan', () => {
  const span = { start: 10, end: 20 };
  const cases: Array<[string, OffsetEdit, { start: number; end: number } | null]> = [
    ['edit after the span', ins(25, 'xx'), span],
    ['typing right at the end does not grow it', ins(20, 'xx'), span],
    ['insert before shifts', ins(2, 'abc'), { start: 13, end: 23 }],
    ['insert at the start shifts', ins(10, 'abc'), { start: 13, end: 23 }],
    ['delete before shifts back', del(0, 5), { start: 5, end: 15 }],
    ['delete ending at the start shifts back', del(5, 10), { start: 5, end: 15 }],
    ['insert inside grows', ins(15, 'abc'), { start: 10, end: 23 }],
    ['delete inside shrinks', del(12, 15), { start: 10, end: 17 }],
    ['delete over the start keeps the rest', del(5, 12), { start: 5, end: 13 }],
    ['delete over the end keeps the rest', del(18, 25), { start: 10, end: 18 }],
    ['delete all of it', del(10, 20), null],
    ['delete around it', del(5, 25), null],
    ['replace all of it', rep(10, 20, 'new words'), null],
    ['replace over the start', rep(8, 12, 'AB'), { start: 10, end: 18 }],
  ];
  for (const [name, edit, want] of cases) test(name, () => assert.deepEqual(remapSpan(span, edit), want));
});

describe('remapThroughEdits', () => {
  test('multi-cursor edits (pre-event offsets) keep the span on the same words', () => {
    const text = 'One two. Three four five. Six.';
    const span = { start: 9, end: 25 }; // "Three four five."
    const edits = [ins(0, '>> '), ins(20, 'and '), ins(27, '!')];
    const out = remapThroughEdits(span, edits)!;
    const after = applyText(text, edits);
    assert.equal(after.slice(out.start, out.end), 'Three four and five.');
  });

  test('order of reported edits does not matter', () => {
    const span = { start: 10, end: 20 };
    const edits = [del(0, 2), ins(12, 'xyz'), del(30, 35)];
    assert.deepEqual(remapThroughEdits(span, edits), remapThroughEdits(span, [...edits].reverse()));
    assert.deepEqual(remapThroughEdits(span, edits), { start: 8, end: 21 });
  });
});

describe('SpanTracker', () => {
  test('tracks many spans and nulls deleted ones', () => {
    const t = new SpanTracker([{ start: 0, end: 5 }, { start: 6, end: 10 }, { start: 11, end: 15 }]);
    t.apply([del(6, 11)]);
    assert.deepEqual(t.get(0), { start: 0, end: 5 });
    assert.equal(t.get(1), null);
    assert.deepEqual(t.get(2), { start: 6, end: 10 });
    t.apply([ins(0, 'ab')]);
    assert.equal(t.get(1), null, 'a deleted span stays deleted');
    assert.deepEqual(t.get(2), { start: 8, end: 12 });
    assert.equal(t.get(7), null);
  });
});
