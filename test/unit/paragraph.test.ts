// The paragraph read when "Read Selection Aloud" has no selection, and the pre-read document checks.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { paragraphAt } from '../../src/text/paragraph';
import { isHuge, looksBinary } from '../../src/text/readable';

describe('paragraphAt', () => {
  const text = 'Title\n\nFirst line of a paragraph\nsecond line.\n\n  \nLast one.';
  const slice = (r: { start: number; end: number } | null) => (r ? text.slice(r.start, r.end) : null);
  test('whole paragraph around the cursor', () => {
    assert.equal(slice(paragraphAt(text, text.indexOf('line of'))), 'First line of a paragraph\nsecond line.');
    assert.equal(slice(paragraphAt(text, text.indexOf('second'))), 'First line of a paragraph\nsecond line.');
  });
  test('first and last paragraphs', () => {
    assert.equal(slice(paragraphAt(text, 0)), 'Title');
    assert.equal(slice(paragraphAt(text, text.length)), 'Last one.');
  });
  test('a blank line (whitespace only) has no paragraph', () => {
    assert.equal(paragraphAt(text, text.indexOf('  \n') + 1), null);
    assert.equal(paragraphAt(text, 6), null);
  });
  test('CRLF text', () => {
    const crlf = 'a b\r\nc d\r\n\r\ne f';
    assert.equal(crlf.slice(paragraphAt(crlf, 1)!.start, paragraphAt(crlf, 1)!.end), 'a b\r\nc d');
  });
});

describe('document checks', () => {
  test('NUL bytes mean binary', () => {
    assert.equal(looksBinary('plain text\n'), false);
    assert.equal(looksBinary('PK\u0003\u0004\0\0\0'), true);
  });
  test('huge threshold', () => {
    assert.equal(isHuge('x'.repeat(1000)), false);
    assert.equal(isHuge('x'.repeat(2_000_001)), true);
  });
});
