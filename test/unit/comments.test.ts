import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { formatSegments, narrate, type Segment } from '../../src/text/narrate';

const comments = (source: string, languageId: string) => narrate(source, { languageId, codeBlocks: 'skip', commentsOnly: true });
const slices = (source: string, segments: Segment[]) => segments.map((s) => source.slice(s.start, s.end));

/** [language, source, spoken texts, exact source slices]. */
const CASES: [name: string, languageId: string, source: string, texts: string[], slices: string[]][] = [
  ['line comments join into one sentence', 'typescript', '// Adds two numbers\n// and returns 3.\nconst x = 1;',
    ['Adds two numbers and returns three.'], ['Adds two numbers\n// and returns 3.']],
  ['a trailing comment stands alone', 'javascript', 'foo(); // first\n// second\nbar(); // third',
    ['first', 'second', 'third'], ['first', 'second', 'third']],
  ['block comment', 'c', 'int x; /* A block\n   comment. */ int y;', ['A block comment.'], ['A block\n   comment.']],
  ['JSDoc: stars stripped, tags split, inline code and links read', 'typescript',
    '/**\n * Returns the user\'s name.\n *\n * Uses `getUserName`; see {@link Foo.bar}.\n * @param id The user id.\n */\nfunction f() {}',
    ["Returns the user's name.", 'Uses get user name; see Foo.bar.', 'param id The user id.'],
    ["Returns the user's name.", 'Uses `getUserName`; see {@link Foo.bar}.', 'param id The user id.']],
  ['banner and decoration dropped', 'java', '/********************\n * Banner text.     *\n ********************/\n//////////\n// -----\nclass A {}',
    ['Banner text.'], ['Banner text.']],
  ['comment markers inside strings are code', 'typescript',
    'const a = "http://x.y"; const b = \'/* no */\'; const c = `// no ${a}`; // yes',
    ['yes'], ['yes']],
  ['tool pragmas are not read', 'typescript', '// eslint-disable-next-line no-console\n// @ts-ignore\n/* istanbul ignore next */\n// prettier-ignore\n// Real words.',
    ['Real words.'], ['Real words.']],
  ['rust doc comments and lifetimes', 'rust', "/// Parses the input.\n//! Crate docs.\nfn f<'a>(s: &'a str) -> char { '/' } // done",
    ['Parses the input.', 'Crate docs.', 'done'], ['Parses the input.', 'Crate docs.', 'done']],
  ['go raw strings', 'go', 'var s = `// not a comment`\n// Package docs.', ['Package docs.'], ['Package docs.']],
  ['python: # comments, strings and docstrings skipped', 'python',
    '#!/usr/bin/env python3\n# Compute things.\ndef f():\n    """Docstring # not a comment."""\n    s = "# no"  # trailing note\n',
    ['Compute things.', 'trailing note'], ['Compute things.', 'trailing note']],
  ['shell: $# and ${#x} are not comments', 'shellscript', 'echo $# ${#arr[@]} # count them\n## Section two\n', ['count them', 'Section two'], ['count them', 'Section two']],
  ['yaml', 'yaml', 'key: value # why this value\nurl: http://a#b\n# Top note.', ['why this value', 'Top note.'], ['why this value', 'Top note.']],
  ['ruby', 'ruby', 'puts "#{x} # no" # yes', ['yes'], ['yes']],
  ['sql -- and /* */', 'sql', "SELECT '--no' FROM t; -- pick rows\n/* Block note. */", ['pick rows', 'Block note.'], ['pick rows', 'Block note.']],
  ['lua -- and --[[ ]]', 'lua', '-- Line note.\n--[[ Long\nnote. ]]\nlocal s = "-- no"', ['Line note.', 'Long note.'], ['Line note.', 'Long\nnote.']],
  ['html <!-- -->', 'html', '<p>Text</p>\n<!-- Explain the\n  layout. -->\n<div></div>', ['Explain the layout.'], ['Explain the\n  layout.']],
  ['xml', 'xml', '<?xml version="1.0"?>\n<!-- Config root. --><root/>', ['Config root.'], ['Config root.']],
  ['css block only', 'css', 'a { color: red; } /* Brand red. */ b { background: url(//cdn.x/y.png); }', ['Brand red.'], ['Brand red.']],
  ['unterminated block comment runs to the end', 'typescript', 'x(); /* Never closed.\nStill comment.', ['Never closed.', 'Still comment.'], ['Never closed.', 'Still comment.']],
  ['no comments', 'typescript', 'const a = 1;\n', [], []],
  ['empty file', 'python', '', [], []],
];

describe('comments only', () => {
  for (const [name, languageId, source, texts, expectedSlices] of CASES) {
    test(`${languageId}: ${name}`, () => {
      const segments = comments(source, languageId);
      assert.deepEqual(segments.map((s) => s.text), texts);
      assert.deepEqual(slices(source, segments), expectedSlices);
      assert.ok(segments.every((s) => s.kind === 'comment'));
      for (let i = 1; i < segments.length; i++) assert.ok(segments[i]!.start >= segments[i - 1]!.end);
    });
  }

  test('CRLF: offsets exact', () => {
    const source = 'a();\r\n// First line\r\n// second line.\r\n/**\r\n * Doc.\r\n */\r\n';
    const segments = comments(source, 'typescript');
    assert.deepEqual(slices(source, segments), ['First line\r\n// second line.', 'Doc.']);
    assert.equal(formatSegments(source, segments), 'L2-L3  First line second line.\nL5  Doc.');
  });

  test('without commentsOnly a code file is read as plain text', () => {
    const segments = narrate('// note\nconst x = 1;', { languageId: 'typescript', codeBlocks: 'skip' });
    assert.deepEqual(segments.map((s) => [s.kind, s.text]), [['plain', '// note const x = one;']]);
  });

  test('a large file: every comment found, none inside strings', () => {
    const source = '// A comment line.\nconst value = "string // not comment";\n'.repeat(20_000);
    const segments = comments(source, 'typescript');
    assert.equal(segments.length, 20_000);
  });
});
