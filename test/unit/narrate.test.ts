import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { dryRunText, languageIdForPath } from '../../src/cli/dryRun';
import { speakIdentifier } from '../../src/text/identifiers';
import { formatSegments, narrate, segmentAt, type NarrateOptions, type Segment } from '../../src/text/narrate';
import { parseMarkdown } from '../../src/text/markdown/parse';
import { normalize } from '../../src/text/normalize';

const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'markdown');
const fixture = (name: string) => readFileSync(path.join(fixtures, name), 'utf8');
const md = (source: string, opts: Partial<NarrateOptions> = {}) => narrate(source, { languageId: 'markdown', codeBlocks: 'skip', ...opts });
const texts = (segments: Segment[]) => segments.map((s) => s.text);

/** The invariants every narration must keep, whatever the input. */
function assertWellFormed(source: string, segments: Segment[]): void {
  let prevEnd = 0;
  for (const seg of segments) {
    const where = `${JSON.stringify(seg.text)} at ${seg.start}-${seg.end}`;
    assert.ok(seg.start >= prevEnd, `ordered and non-overlapping: ${where}`);
    assert.ok(seg.end > seg.start && seg.end <= source.length, `in bounds: ${where}`);
    assert.ok(seg.text.trim() === seg.text && seg.text.length > 0, `trimmed, non-empty: ${where}`);
    assert.ok(seg.pauseAfterMs > 0, `has a pause: ${where}`);
    prevEnd = seg.end;
    if (seg.kind === 'codeAnnouncement') continue;
    // The highlighted range holds the first spoken word, modulo normalisation and identifier splitting.
    const slice = source.slice(seg.start, seg.end);
    const word = (/[\p{L}\p{N}]+/u.exec(seg.text)?.[0] ?? '').toLowerCase();
    const hay = [slice, normalize(slice), speakIdentifier(slice)].join('\n').toLowerCase();
    assert.ok(hay.includes(word), `first word ${JSON.stringify(word)} in ${JSON.stringify(slice)} (${where})`);
  }
}

interface ReadmeCase {
  file: string;
  headings: string[];
  /** Spoken somewhere (segment text includes it). */
  says: string[];
  /** Never spoken: code, HTML, front matter, URLs, definition and footnote labels. */
  neverSays: string[];
}

const READMES: ReadmeCase[] = [
  {
    file: 'web-framework.md',
    headings: ['Table of contents', 'Installation', 'Features', 'Docs and Community', 'Security Issues', 'Quick Start', 'Philosophy', 'Examples', 'Contributing', 'Running Tests', 'People', 'License'],
    says: ['Express Logo', 'Fast, unopinionated, minimalist web framework for Node.js.', 'create a package dot json first with the npm init command',
      'HTTP helpers (redirection, caching, et cetera)', 'View the website at: localhost', 'hello world', 'Routes split across files, approximately twenty lines each',
      'Roughly one thousand two hundred thirty-four people have contributed since two thousand nine.'],
    neverSays: ['app.listen', 'express()', 'Hello World', 'npm install express', 'express-generator', 'git clone', 'Start of the table of contents',
      'badgen', 'NPM Version', 'NPM Downloads', 'OpenSSF Scorecard Badge', 'coveralls', '[^1]', 'npm-url', 'ossf-scorecard', 'cloudup', '#installation', 'three thousand'],
  },
  {
    file: 'cli-tool.md',
    headings: ['ripcurl', 'Quick start', 'Features', 'Comparison', 'Configuration', 'FAQ', 'Acknowledgements'],
    says: ['ripcurl logo', 'A friendly HTTP client for the terminal.', 'Advanced: proxy settings', 'ripcurl is a command-line HTTP client written in Rust.', 'Tip.', 'Warning.', 'that is cookies no longer leak between sites',
      'press Ctrl+C to abort.', 'Bodies are pretty-printed', 'Plugins written in Lua', 'Sorted by name', 'Startup time', 'four point two megabytes',
      'second-generation laptop', 'Proxies are read from the HTTPS PROXY environment variable.', 'Can it do GraphQL?', 'Only as plain POST requests, for now.',
      'Thanks to Doctor Jane Doe', 'httpbin.org', 'rust-lang.org', 'team at ripcurl.dev', 'Made with red heart in Lisbon.'],
    neverSays: ['title:', 'tags', 'draft', 'cargo install', 'accept:application', 'timeout = 30', 'verify_tls', 'logo.svg', 'align', 'center', 'width',
      'http://', 'https://', 'shields', '🦀', 'crab', '❤', '<kbd>', '<summary>', '[!TIP]', '[x]'],
  },
  {
    file: 'docs-guide.md',
    headings: ['Writing plugins', 'Concepts', 'The transform page hook', 'Indented code is skipped too', 'Publishing', 'Frequently asked questions', 'Changelog highlights'],
    says: ['Architecture diagram: content flows from loaders through transforms to renderers', 'on load, transform page and on build end',
      'lumen dot config dot js', 'Lumen zero point nine point four', 'Name the package lumen plugin name', 'Tip: run npm pack dry run first',
      'ten thousand pages', 'May second, twenty twenty-four', 'Edit this page on GitHub or ask in our forum.', 'The logger prefixes every message',
      'Can a plugin add new pages?', 'Yes, from on load.'],
    neverSays: ['weight', 'toc = true', 'readingTime', 'Math.ceil', 'module.exports', 'sitemap', 'peerDependencies"', '<dt>',
      'onLoad', 'Getting started"', 'forum.lumen.dev', 'architecture.svg', '[^hooks]', 'lumen.dev/plugins'],
  },
];

describe('narrate: real-world READMEs', () => {
  for (const c of READMES) {
    const source = fixture(c.file);
    const segments = md(source, { codeBlocks: 'announce' });
    const all = texts(segments).join('\n');

    test(`${c.file}: well-formed segments`, () => assertWellFormed(source, segments));

    test(`${c.file}: every heading is a heading segment whose range covers its words`, () => {
      const headings = segments.filter((s) => s.kind === 'heading');
      for (const h of c.headings) {
        const seg = headings.find((s) => s.text === h);
        assert.ok(seg, `heading ${h} in ${JSON.stringify(texts(headings))}`);
        assert.match(source.slice(seg.start, seg.end), /\S/);
      }
    });

    for (const phrase of c.says) test(`${c.file}: says ${JSON.stringify(phrase)}`, () => assert.ok(all.includes(phrase), all));
    for (const phrase of c.neverSays) test(`${c.file}: never says ${JSON.stringify(phrase)}`, () => assert.ok(!all.includes(phrase)));

    test(`${c.file}: no URL is spoken`, () => {
      for (const s of segments) assert.doesNotMatch(s.text, /[a-z]+:\/\/|www\.|\.(?:svg|png|html)\b|\]\(/i, s.text);
    });

    test(`${c.file}: code blocks are announced, not read`, () => {
      const announced = segments.filter((s) => s.kind === 'codeAnnouncement');
      assert.ok(announced.length > 0);
      for (const a of announced) {
        assert.equal(a.text, 'Code block skipped.');
        assert.match(source.slice(a.start, a.end), /^(```|    |\$)/m);
      }
      assert.deepEqual(
        texts(md(source)),
        texts(segments.filter((s) => s.kind !== 'codeAnnouncement')),
        "'skip' is 'announce' without the announcements",
      );
    });

    test(`${c.file}: CRLF line endings give the same words and exact offsets`, () => {
      const crlf = source.replace(/\n/g, '\r\n');
      const got = md(crlf);
      const want = md(source);
      assert.deepEqual(texts(got), texts(want));
      got.forEach((seg, i) => assert.equal(crlf.slice(seg.start, seg.end).replace(/\r\n/g, '\n'), source.slice(want[i]!.start, want[i]!.end)));
      assertWellFormed(crlf, got);
    });

    test(`${c.file}: a BOM shifts offsets by one and changes nothing else`, () => {
      const got = md(`\uFEFF${source}`);
      const want = md(source);
      assert.deepEqual(got.map((s) => [s.text, s.start - 1, s.end - 1]), want.map((s) => [s.text, s.start, s.end]));
    });
  }
});

/** Small documents → `formatSegments` output, one row per construct. */
const CASES: [name: string, source: string, expected: string][] = [
  ['empty document', '', ''],
  ['whitespace only', ' \n\n\t\n', ''],
  ['heading and paragraph', '# Title\n\nOne. Two.', 'L1  Title\nL3  One.\nL3  Two.'],
  ['setext heading', 'Title\n=====\n\nBody text.', 'L1  Title\nL4  Body text.'],
  ['soft line breaks join a sentence', 'A sentence that\nwraps over lines.', 'L1-L2  A sentence that wraps over lines.'],
  ['emphasis markers dropped', 'Some *soft*, **loud**, ~~gone~~ and ***both*** words.', 'L1  Some soft, loud, gone and both words.'],
  ['link text, never the URL', 'Read [the docs](https://example.com/docs "Docs") now.', 'L1  Read the docs now.'],
  ['reference link and definition', 'See [the guide][g].\n\n[g]: https://example.com/guide', 'L1  See the guide.'],
  ['autolink read as host', 'Visit <https://www.github.com/foo/bar> today.', 'L1  Visit github.com today.'],
  ['bare URL read as host', 'Visit https://github.com/foo/bar today.', 'L1  Visit github.com today.'],
  ['inline code as words', 'Call `getUserName` or `snake_case`.', 'L1  Call get user name or snake case.'],
  ['image alt text', '![A cat on a mat](cat.png)', 'L1  A cat on a mat'],
  ['image in prose', 'Click ![the gear icon](gear.png) to open settings.', 'L1  Click the gear icon to open settings.'],
  ['a row of images: one segment per image', '[![Build](b.svg)](ci) [![Coverage 99%](c.svg)](cov)', 'L1  Build\nL1  Coverage ninety-nine percent'],
  ['a row of status badges is silent (reference-style too)', '[![CI](https://github.com/o/r/actions/workflows/ci.yml/badge.svg)](https://github.com/o/r/actions) [![npm][v]][n]\n\n[v]: https://img.shields.io/npm/v/x\n[n]: https://npmjs.com/x', ''],
  ['heading badges dropped', '# Tool [![Build](b.svg)](ci)', 'L1  Tool'],
  ['list items', '- one\n- two\n  - nested', 'L1  one\nL2  two\nL3  nested'],
  ['ordered list markers not read', '1. First step.\n2. Second step.', 'L1  First step.\nL2  Second step.'],
  ['task list markers not read', '- [x] Done\n- [ ] Todo', 'L1  Done\nL2  Todo'],
  ['block quote', '> Quoted. Twice.', 'L1  Quoted.\nL1  Twice.'],
  ['GitHub alert', '> [!IMPORTANT]\n> Back up first.', 'L1  Important.\nL2  Back up first.'],
  ['table cell by cell, row by row', '| A | B |\n|---|---|\n| 1 | two |\n|   | x |', 'L1  A\nL1  B\nL3  one\nL3  two\nL4  x'],
  ['fenced code skipped', 'Before.\n\n```js\nconst x = 1;\n```\n\nAfter.', 'L1  Before.\nL7  After.'],
  ['indented code skipped', 'Before.\n\n    rm -rf /\n\nAfter.', 'L1  Before.\nL5  After.'],
  ['HTML block: its text is read', '<div align="center">\n  <b>Shown</b>\n</div>\n\nAfter.', 'L2  Shown\nL5  After.'],
  ['inline HTML tags dropped, text kept', 'Press <kbd>Ctrl</kbd> now.<br>Then wait.', 'L1  Press Ctrl now.\nL1  Then wait.'],
  ['a hard break is a pause', 'Fast  \nsmall\\\nsafe', 'L1  Fast\nL2  small\nL3  safe'],
  ['HTML comment skipped', '<!-- secret -->\nText.', 'L2  Text.'],
  ['YAML front matter skipped', '---\ntitle: Secret\n---\n# Shown', 'L4  Shown'],
  ['TOML front matter skipped', '+++\ntitle = "Secret"\n+++\n# Shown', 'L4  Shown'],
  ['footnote: reference and label dropped, body read', 'Claim.[^1]\n\n[^1]: Source.', 'L1  Claim.\nL3  Source.'],
  ['entities decoded', 'Tom &amp; Jerry &copy; MGM.', 'L1  Tom and Jerry copyright MGM.'],
  ['escapes dropped', 'Not \\*emphasis\\*.', 'L1  Not *emphasis*.'],
  ['e.g. does not end a sentence', 'Use a formatter, e.g. Prettier. Then lint.', 'L1  Use a formatter, for example Prettier.\nL1  Then lint.'],
  ['Dr. does not end a sentence', 'Ask Dr. Smith. She knows.', 'L1  Ask Doctor Smith.\nL1  She knows.'],
  ['decimals and versions stay whole', 'Python 3.5 and v1.2.3 work. Good.', 'L1  Python three point five and version one point two point three work.\nL1  Good.'],
  ['unterminated fence swallows the rest', 'Intro.\n\n```\ncode\nmore code', 'L1  Intro.'],
  ['thematic break is silent', 'Above.\n\n---\n\nBelow.', 'L1  Above.\nL5  Below.'],
  ['mixed scripts', '中文句子。第二句！\n\nمرحبا بالعالم. Привет, мир. Как дела?',
    'L1  中文句子。\nL1  第二句！\nL3  مرحبا بالعالم.\nL3  Привет, мир.\nL3  Как дела?'],
];

describe('narrate: constructs', () => {
  for (const [name, source, expected] of CASES) {
    test(name, () => {
      const segments = md(source);
      assert.equal(formatSegments(source, segments), expected);
      assertWellFormed(source, segments);
    });
  }

  test('code announcement covers the whole fence', () => {
    const source = 'Intro.\n\n```sh\nnpm test\n```\n';
    const [, code] = md(source, { codeBlocks: 'announce' });
    const { sourceMap, ...rest } = code!;
    assert.deepEqual({ ...rest, slice: source.slice(code!.start, code!.end) }, {
      text: 'Code block skipped.', kind: 'codeAnnouncement', start: 8, end: 26, pauseAfterMs: code!.pauseAfterMs, slice: '```sh\nnpm test\n```',
    });
    // Every word of the announcement highlights the whole fence.
    assert.ok(sourceMap.starts.every((s) => s === 8) && sourceMap.ends.every((e) => e === 26));
  });

  test('kinds follow the nearest container', () => {
    const source = '# H\n\nP.\n\n- item\n\n> quote\n> - quoted item\n\n| c |\n|---|\n| d |\n\n![alt](x.png)';
    assert.deepEqual(md(source).map((s) => `${s.kind}:${s.text}`), [
      'heading:H', 'paragraph:P.', 'listItem:item', 'quote:quote', 'listItem:quoted item', 'tableCell:c', 'tableCell:d', 'imageAlt:alt',
    ]);
  });

  test('pauses: sentences short, items and paragraphs longer, headings longest', () => {
    const [h, s1, s2, item] = md('# H\n\nOne. Two.\n\n- item');
    assert.ok(s1!.pauseAfterMs < item!.pauseAfterMs && item!.pauseAfterMs < s2!.pauseAfterMs && s2!.pauseAfterMs < h!.pauseAfterMs);
  });

  test('offsets slice back to the exact words', () => {
    const source = '> Deep *quote* with `code` and [link](https://x.y).\n> Next &amp; last.';
    assert.deepEqual(md(source).map((s) => source.slice(s.start, s.end)), ['Deep *quote* with `code` and [link](https://x.y).', 'Next &amp; last.']);
  });
});

describe('narrate: nasty input', () => {
  test('10 000 list items finish in under 2 s', (t) => {
    const source = Array.from({ length: 10_000 }, (_, i) => `- Item ${i + 1}: buy *milk*`).join('\n');
    const time = (f: () => unknown) => {
      const t0 = performance.now();
      f();
      return performance.now() - t0;
    };
    const parserMs = time(() => parseMarkdown(source));
    let segments: Segment[] = [];
    const ms = time(() => (segments = md(source)));
    t.diagnostic(`narrate ${ms.toFixed(0)} ms, of which the Markdown parser alone takes about ${parserMs.toFixed(0)} ms`);
    assert.equal(segments.length, 10_000);
    assert.equal(segments[9_999]!.text, 'Item ten thousand: buy milk');
    // The parser (micromark) is the floor: on a slow or loaded machine it alone can pass 2 s, so the
    // budget stretches with it, but our own pass must never add more than half again.
    assert.ok(ms < Math.max(2000, parserMs * 1.5), `took ${ms.toFixed(0)} ms (parser ${parserMs.toFixed(0)} ms)`);
  });

  test('200-deep nested quotes', () => {
    const source = `${'> '.repeat(200)}Deep thought.\n\n${Array.from({ length: 200 }, (_, i) => `${'>'.repeat(i + 1)} Level ${i + 1}.`).join('\n')}`;
    const segments = md(source);
    assert.equal(segments[0]!.text, 'Deep thought.');
    assert.equal(source.slice(segments[0]!.start, segments[0]!.end), 'Deep thought.');
    assert.ok(segments.every((s) => s.kind === 'quote'));
    assertWellFormed(source, segments);
  });

  test('unterminated fence, announced', () => {
    const source = 'Intro.\n\n```js\nconst never = "spoken";';
    assert.deepEqual(texts(md(source, { codeBlocks: 'announce' })), ['Intro.', 'Code block skipped.']);
  });

  test('CRLF: offsets exact', () => {
    const source = '# Title\r\n\r\nFirst line\r\nsecond line. Next.\r\n\r\n- a\r\n- b\r\n';
    const segments = md(source);
    assert.deepEqual(segments.map((s) => source.slice(s.start, s.end)), ['Title', 'First line\r\nsecond line.', 'Next.', 'a', 'b']);
    assert.equal(formatSegments(source, segments), 'L1  Title\nL3-L4  First line second line.\nL4  Next.\nL6  a\nL7  b');
  });

  test('BOM: offsets count it', () => {
    const source = '\uFEFF# Title\n\nText.';
    assert.deepEqual(md(source).map((s) => source.slice(s.start, s.end)), ['Title', 'Text.']);
    assert.deepEqual(narrate(source, { languageId: 'plaintext', codeBlocks: 'skip' }).map((s) => source.slice(s.start, s.end)), ['# Title', 'Text.']);
  });

  test('lone surrogates, NUL and control characters do not throw', () => {
    const source = 'Broken \uD800 pair.\u0000 And\u0007 more.\n\n# \uDC00';
    assertWellFormed(source, md(source));
    assertWellFormed(source, narrate(source, { languageId: 'plaintext', codeBlocks: 'skip' }));
  });

  test('emoji-only and punctuation-only paragraphs are silent', () => {
    assert.deepEqual(md('🎉🎉\n\n---\n\n* * *\n\n...'), []);
  });

  test('a long paragraph without punctuation is one segment', () => {
    const source = 'word '.repeat(5000);
    const segments = md(source);
    assert.equal(segments.length, 1);
    assert.equal(segments[0]!.end, source.length - 1);
  });
});

describe('narrate: property over generated documents', () => {
  const PIECES = ['# Head', '## Sub *x*', 'Text e.g. more.', 'Dr. Who? Yes!', '- item', '  - nested `codeX`', '1. one', '> quote',
    '> > deeper', '```', 'code line', '    indented', '| a | b |', '|---|---|', '| 1 | 2 |', '<div>', '</div>', '![alt](i.png)',
    '[link](https://x.io/p) and <https://y.io>', 'https://bare.example.com/x.', '[^n]', '[^n]: note', '[r]: https://r.io', '---',
    '&amp; &copy; \\* esc', '3.5% of $5 in 1999', '中文。Привет.', '🎉 party', '', '', 'plain words here', '~~gone~~ **bold**'];
  // Deterministic LCG so a failure reproduces.
  let seed = 42;
  const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) % n);
  for (let i = 0; i < 200; i++) {
    const lines = Array.from({ length: 1 + rand(25) }, () => PIECES[rand(PIECES.length)]!);
    const source = lines.join(rand(3) === 0 ? '\r\n' : '\n');
    test(`document #${i}`, () => {
      assertWellFormed(source, md(source, { codeBlocks: rand(2) ? 'announce' : 'skip' }));
      assertWellFormed(source, narrate(source, { languageId: 'plaintext', codeBlocks: 'skip' }));
      assertWellFormed(source, narrate(source, { languageId: 'typescript', codeBlocks: 'skip', commentsOnly: true }));
    });
  }
});

describe('narrate: plain text', () => {
  const CASES_PLAIN: [name: string, source: string, expected: string][] = [
    ['paragraphs split at blank lines', 'First para\ncontinues here.\n\nSecond para.', 'L1-L2  First para continues here.\nL4  Second para.'],
    ['bullets start items, markers not read', 'Shopping:\n- eggs\n- 2 apples\n1. first\n2) second', 'L1  Shopping:\nL2  eggs\nL3  two apples\nL4  first\nL5  second'],
    ['markdown syntax is just text here', '# Not a heading', 'L1  # Not a heading'],
    ['code is read as text', 'const x = 1;', 'L1  const x = one;'],
  ];
  for (const [name, source, expected] of CASES_PLAIN) {
    test(name, () => {
      const segments = narrate(source, { languageId: 'plaintext', codeBlocks: 'skip' });
      assert.equal(formatSegments(source, segments), expected);
      assert.ok(segments.every((s) => s.kind === 'plain'));
      assertWellFormed(source, segments);
    });
  }

  test('commentsOnly is ignored for languages without comment syntax', () => {
    assert.deepEqual(texts(narrate('Hello there.', { languageId: 'plaintext', codeBlocks: 'skip', commentsOnly: true })), ['Hello there.']);
  });
});

describe('segmentAt', () => {
  const source = '# Title\n\nOne. Two.\n\n```\ncode\n```\n\nThree.';
  const segments = md(source);
  const at = (needle: string, delta = 0) => source.indexOf(needle) + delta;
  const ROWS: [where: string, offset: number, index: number][] = [
    ['document start', 0, 0],
    ['inside the heading', at('itle'), 0],
    ['end of heading line', at('\n\nOne'), 1],
    ['start of a sentence', at('One'), 1],
    ['space between sentences', at(' Two'), 2],
    ['inside skipped code', at('code'), 3],
    ['last character', source.length - 1, 3],
    ['past the end', source.length, -1],
  ];
  for (const [where, offset, index] of ROWS) test(where, () => assert.equal(segmentAt(segments, offset), index));
  test('empty list', () => assert.equal(segmentAt([], 0), -1));
});

describe('dryRunText', () => {
  test('lists segments with line ranges and announces code', () => {
    assert.equal(dryRunText('# Hi\n\n```\nx\n```\n\nA 2nd try.', 'markdown'), 'language: en\nL1  Hi\nL3-L5  Code block skipped.\nL7  A second try.');
  });
  test('language id from a file name', () => {
    assert.deepEqual(['README.md', 'a/b.TS', 'x.py', 'notes.txt', 'Makefile'].map(languageIdForPath), ['markdown', 'typescript', 'python', 'plaintext', 'plaintext']);
  });
  test('comments of a code file', () => {
    assert.equal(dryRunText('// Adds one.\nconst y = x + 1;', 'typescript', { commentsOnly: true }), 'language: en\nL1  Adds one.');
  });
});
