// HTML in Markdown is read as the rendered page shows it, with exact source ranges; plus the reading settings
// (announceHeadings, codeBlocks read, tables, emoji) and the emoji/bullet rules, on README patterns.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { dryRunText } from '../../src/cli/dryRun';
import { narrationOptions } from '../../src/cli/narrationFlags';
import { speakEmoji } from '../../src/text/emoji/speakEmoji';
import { unmapped } from '../../src/text/mappedString';
import { formatSegments, narrate, type NarrateOptions, type Segment } from '../../src/text/narrate';
import { normalize } from '../../src/text/normalize';

const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'markdown');
const md = (source: string, opts: Partial<NarrateOptions> = {}) => narrate(source, { languageId: 'markdown', codeBlocks: 'skip', ...opts });
/** kind, words, and the exact source slice the highlight covers. */
const read = (source: string, opts: Partial<NarrateOptions> = {}) => md(source, opts).map((s) => [s.kind, s.text, source.slice(s.start, s.end)]);

function assertOrdered(segments: readonly Segment[]): void {
  for (let i = 1; i < segments.length; i++) assert.ok(segments[i]!.start >= segments[i - 1]!.end, `segment ${i} overlaps the previous one`);
}

const HTML_CASES: [name: string, source: string, expected: string[][]][] = [
  ['centered h1 is a heading', '<h1 align="center">My Project</h1>', [['heading', 'My Project', 'My Project']]],
  ['h3 inside a div', '<div>\n  <h3>Install the tool</h3>\n</div>', [['heading', 'Install the tool', 'Install the tool']]],
  ['bold tagline in a centered p', '<p align="center"><b>A fast tagline</b></p>', [['paragraph', 'A fast tagline', 'A fast tagline']]],
  ['div text, entities decoded', '<div>Tom &amp; Jerry&nbsp;forever</div>', [['paragraph', 'Tom and Jerry forever', 'Tom &amp; Jerry&nbsp;forever']]],
  ['two paragraphs of one block', '<p>First one.</p><p>Second one.</p>', [['paragraph', 'First one.', 'First one.'], ['paragraph', 'Second one.', 'Second one.']]],
  ['details: summary, then the Markdown body', '<details>\n<summary>Show more</summary>\n\nHidden *body*.\n\n</details>',
    [['paragraph', 'Show more', 'Show more'], ['paragraph', 'Hidden body.', 'Hidden *body*.']]],
  ['img alt, highlighted on the alt attribute', '<p align="center"><img src="logo.png" alt="Project logo" width="200"></p>', [['imageAlt', 'Project logo', 'Project logo']]],
  ['img without alt is silent', '<p><img src="logo.png" width="200"></p>', []],
  ['linked badges are silent', '<p>\n<a href="https://github.com/o/r/actions"><img src="https://github.com/o/r/actions/workflows/ci.yml/badge.svg" alt="CI"></a>\n<a href="https://npmjs.com/p"><img src="https://img.shields.io/npm/v/p" alt="npm version"></a>\n</p>', []],
  ['inline linked badges are silent, words around them are not', 'Status: <a href="https://travis-ci.org/o/r"><img src="t.svg" alt="Build"></a> green.', [['paragraph', 'Status: green.', 'Status: <a href="https://travis-ci.org/o/r"><img src="t.svg" alt="Build"></a> green.']]],
  ['a linked screenshot is read', '<a href="https://example.com"><img src="shot.png" alt="Screenshot of the app"></a>', [['imageAlt', 'Screenshot of the app', 'Screenshot of the app']]],
  ['Markdown link around an HTML image', '[<img src="docs.png" alt="Read the docs">](https://docs.example.com)', [['imageAlt', 'Read the docs', 'Read the docs']]],
  ['heading with a logo and words: the words', '<h1><img src="logo.svg" alt="logo" width="32"> Tool</h1>', [['heading', 'Tool', 'Tool']]],
  ['<br> is a pause', '<p>Fast<br>Small<br/>Safe</p>', [['paragraph', 'Fast', 'Fast'], ['paragraph', 'Small', 'Small'], ['paragraph', 'Safe', 'Safe']]],
  ['inline <br> in Markdown is a pause', 'One line<br>two line', [['paragraph', 'One line', 'One line'], ['paragraph', 'two line', 'two line']]],
  ['script, style and comments never', '<script>alert("no")</script>\n\n<style>p { color: red }</style>\n\n<!-- note -->\n\nShown.', [['paragraph', 'Shown.', 'Shown.']]],
  ['inline script never', 'Before <script>var secret = 1</script> after.', [['paragraph', 'Before after.', 'Before <script>var secret = 1</script> after.']]],
  ['attributes never', '<div title="Secret title" data-note="nope">Visible</div>', [['paragraph', 'Visible', 'Visible']]],
  ['hidden elements never', '<p>Seen <span aria-hidden="true">unseen</span><span hidden>gone</span></p>', [['paragraph', 'Seen', 'Seen']]],
  ['list items', '<ul>\n  <li>First item</li>\n  <li>Second <b>bold</b> item</li>\n</ul>', [['listItem', 'First item', 'First item'], ['listItem', 'Second bold item', 'Second <b>bold</b> item']]],
  ['table cells', '<table><tr><th>Name</th><th>Size</th></tr><tr><td>core</td><td>5 MB</td></tr></table>',
    [['tableCell', 'Name', 'Name'], ['tableCell', 'Size', 'Size'], ['tableCell', 'core', 'core'], ['tableCell', 'five megabytes', '5 MB']]],
  ['<code> is read as words', '<p>Run <code>npmTest</code> now.</p>', [['paragraph', 'Run npm test now.', 'Run <code>npmTest</code> now.']]],
  ['<pre> is a code block', 'Intro.\n\n<pre>\nrm -rf /\n</pre>', [['paragraph', 'Intro.', 'Intro.']]],
  ['link text, never the URL', '<p>See <a href="https://example.com/docs">the docs</a>.</p>', [['paragraph', 'See the docs.', 'See <a href="https://example.com/docs">the docs</a>.']]],
  ['a bare URL as link text is read as its host', '<p><a href="https://example.com/x">https://example.com/x</a></p>', [['paragraph', 'example.com', 'example.com']]],
  ['in a block quote, offsets skip the "> "', '> <div>\n> Quoted text\n> here.\n> </div>', [['quote', 'Quoted text here.', 'Quoted text\n> here.']]],
  ['heading in a list item', '- <h2>Item title</h2>', [['heading', 'Item title', 'Item title']]],
  ['CRLF', '<div align="center">\r\n  <h1>Title</h1>\r\n  <p>Tagline.</p>\r\n</div>', [['heading', 'Title', 'Title'], ['paragraph', 'Tagline.', 'Tagline.']]],
  ['bullets between links are pauses', '<p align="center"><a href="#i">Install</a> • <a href="#d">Docs</a> · <a href="#f">FAQ</a></p>',
    [['paragraph', 'Install, Docs, FAQ', 'Install</a> • <a href="#d">Docs</a> · <a href="#f">FAQ']]],
  ['unclosed and stray tags', '<div><p>Open <b>bold\n\n</i>Stray.', [['paragraph', 'Open bold', 'Open <b>bold'], ['paragraph', 'Stray.', 'Stray.']]],
];

describe('narrate: HTML constructs', () => {
  for (const [name, source, expected] of HTML_CASES) {
    test(name, () => {
      assert.deepEqual(read(source), expected);
      assertOrdered(md(source));
    });
  }

  test('a BOM shifts HTML offsets by one', () => {
    const source = '<h1>Title</h1>\n\n<p>Text &amp; more.</p>';
    const plain = md(source);
    assert.deepEqual(md(`\uFEFF${source}`).map((s) => [s.text, s.start - 1, s.end - 1]), plain.map((s) => [s.text, s.start, s.end]));
  });

  test('thousands of nested tags: read, not a stack overflow', () => {
    for (const tag of ['div', 'b']) {
      const source = `${`<${tag}>`.repeat(3000)}Deep <i>text</i>.${`</${tag}>`.repeat(3000)}`;
      assert.deepEqual(read(source).map(([, text, slice]) => [text, slice]), [['Deep text.', 'Deep <i>text</i>.']], tag);
    }
  });

  test('<pre> follows the codeBlocks setting', () => {
    const source = '<pre>\nconst total = sumAll(items);\n</pre>';
    assert.deepEqual(read(source, { codeBlocks: 'announce' }), [['codeAnnouncement', 'Code block skipped.', source]]);
    assert.deepEqual(read(source, { codeBlocks: 'read' }), [['codeLine', 'const total sum all items', 'const total = sumAll(items);']]);
  });
});

describe('narrate: a README with an HTML header, <details> and a footer <div>', () => {
  const source = readFileSync(path.join(fixtures, 'html-readme.md'), 'utf8');
  const segments = md(source);

  test('what is read, line by line', () => {
    assert.equal(formatSegments(source, segments), [
      'L5  Tidewater logo',
      'L10  Tidewater',
      'L12  Streaming ETL for people who hate YAML.',
      'L13  Write pipelines in plain TypeScript — run them anywhere.',
      'L23-L26  Installation, Usage, Docs, Contributing',
      'L31  Installation',
      'L37  Tidewater needs Node.js twenty or later!',
      'L37  Works on Linux, macOS and Windows.',
      'L40  Using Deno or Bun?',
      'L42  Both work through their npm compatibility layers.',
      'L42  Bun is about two times faster to start.',
      'L46  Usage',
      'L48  Pipelines are plain functions, no DSL, no daemon.',
      'L48  Ready?',
      'L48  Here we go',
      'L51  Source',
      'L51  Sink',
      'L52  Kafka',
      'L52  Postgres',
      'L59  Contributing',
      'L61  Ctrl+K opens the command palette in the playground.',
      'L66  Built with red heart by the Tidewater crew and contributors.',
      'L67  Licensed under MIT.',
    ].join('\n'));
    assertOrdered(segments);
  });

  test('the title is a heading, highlighted on the <h1> text', () => {
    const title = segments.find((s) => s.text === 'Tidewater')!;
    assert.equal(title.kind, 'heading');
    assert.equal(source.slice(title.start, title.end), 'Tidewater');
    assert.equal(source.slice(source.lastIndexOf('\n', title.start) + 1, source.indexOf('\n', title.end)), '<h1 align="center">Tidewater</h1>');
  });

  test('never: badges, attributes, URLs, comments, script, style', () => {
    const all = segments.map((s) => s.text).join('\n');
    for (const phrase of ['CI status', 'npm version', 'Coverage', 'Discord', 'center', 'dark', 'svg', 'https', 'link checker', 'analytics', 'display', '🎉', 'party']) {
      assert.ok(!all.includes(phrase), `never says ${phrase}`);
    }
  });

  test('CRLF gives the same words and exact offsets', () => {
    const crlf = source.replace(/\n/g, '\r\n');
    const got = md(crlf);
    assert.deepEqual(got.map((s) => s.text), segments.map((s) => s.text));
    got.forEach((seg, i) => assert.equal(crlf.slice(seg.start, seg.end).replace(/\r\n/g, '\n'), source.slice(segments[i]!.start, segments[i]!.end)));
  });
});

describe('narrate: reading settings', () => {
  const doc = '# Install the tool\n\nRun it.\n\n| Flag | Meaning |\n|---|---|\n| -v | verbose |\n\n```js\nconst appName = getName();\n\n}\n```\n\nMade with ❤️ in Lisbon.\n';

  test('announceHeadings: "Heading." before each heading, off by default', () => {
    assert.deepEqual(md(doc).filter((s) => s.kind === 'heading').map((s) => s.text), ['Install the tool']);
    const [h] = md(doc, { announceHeadings: true });
    assert.equal(h!.text, 'Heading. Install the tool');
    assert.equal(doc.slice(h!.start, h!.end), 'Install the tool');
    assert.deepEqual(md('<h2>Usage</h2>', { announceHeadings: true }).map((s) => s.text), ['Heading. Usage']);
    assert.deepEqual(md('# ![](a.svg)', { announceHeadings: true }), [], 'nothing to read, nothing announced');
  });

  test('tables: read cell by cell (default), skip, announce', () => {
    const cells = ['Flag', 'Meaning', '-v', 'verbose'];
    assert.deepEqual(md(doc).filter((s) => s.kind === 'tableCell').map((s) => s.text), cells);
    assert.deepEqual(md(doc, { tables: 'read' }).filter((s) => s.kind === 'tableCell').map((s) => s.text), cells);
    assert.deepEqual(md(doc, { tables: 'skip' }).map((s) => s.text), ['Install the tool', 'Run it.', 'Made with red heart in Lisbon.']);
    const announced = md(doc, { tables: 'announce' }).find((s) => s.kind === 'tableAnnouncement')!;
    assert.equal(announced.text, 'Table skipped.');
    assert.equal(doc.slice(announced.start, announced.end), '| Flag | Meaning |\n|---|---|\n| -v | verbose |');
  });

  test('codeBlocks read: line by line, identifiers as words, highlighted on each line', () => {
    const lines = md(doc, { codeBlocks: 'read' }).filter((s) => s.kind === 'codeLine');
    assert.deepEqual(lines.map((s) => [s.text, doc.slice(s.start, s.end)]), [['const app name get name', 'const appName = getName();']]);
    const nested = '> - item\n>\n>   ```py\n>   print(totalCount)\n>   x = 2\n>   ```';
    assert.deepEqual(read(nested, { codeBlocks: 'read' }).slice(1), [['codeLine', 'print total count', 'print(totalCount)'], ['codeLine', 'x two', 'x = 2']]);
    assert.deepEqual(read('    indented_code()\n', { codeBlocks: 'read' }), [['codeLine', 'indented code', 'indented_code()']]);
  });

  test('emoji: name (default) or skip', () => {
    assert.equal(md(doc).at(-1)!.text, 'Made with red heart in Lisbon.');
    assert.equal(md(doc, { emoji: 'skip' }).at(-1)!.text, 'Made with in Lisbon.');
    assert.deepEqual(narrate('I ❤️ plain text.', { languageId: 'plaintext', codeBlocks: 'skip' }).map((s) => s.text), ['I red heart plain text.']);
  });
});

describe('say --dry-run with the reading flags', () => {
  const doc = '# Tools\n\n| A |\n|---|\n| b |\n\n```\nrunAll()\n```\n\nI ❤️ it.';
  test('the flags change the listing as the settings change a read', () => {
    assert.equal(dryRunText(doc, 'markdown'), 'language: en\nL1  Tools\nL3  A\nL5  b\nL7-L9  Code block skipped.\nL11  I red heart it.');
    const flags = narrationOptions({ 'code-blocks': 'read', tables: 'announce', 'announce-headings': true, emoji: 'skip' });
    assert.equal(dryRunText(doc, 'markdown', flags), 'language: en\nL1  Heading. Tools\nL3-L5  Table skipped.\nL8  run all\nL11  I it.');
  });
  test('a bad value names the accepted ones', () => {
    assert.throws(() => narrationOptions({ tables: 'maybe' }), /--tables must be one of read, skip, announce \(got "maybe"\)/);
  });
});

describe('emoji', () => {
  const ROWS: [input: string, spoken: string][] = [
    ['Made with ❤️ in Lisbon.', 'Made with red heart in Lisbon.'],
    ['Made with ❤ in Lisbon.', 'Made with red heart in Lisbon.'],
    ['I 👍🏽 it', 'I thumbs up it'],
    ['We 🇵🇹 it', 'We flag Portugal it'],
    ['A 👩🏽‍💻 codes', 'A woman technologist codes'],
    ['Great 🎉🎉🎉 news', 'Great news'],
    ['Great 🎉 🎉 news', 'Great news'],
    ['🚀 Features', 'Features'],
    ['Done ✅', 'Done'],
    ['Fast ⚡, small', 'Fast, small'],
    ['Ship it 🚀 now 👍🏽! 🇵🇹', 'Ship it rocket now!'],
    ['Fast ▪ simple', 'Fast, simple'],
    ['Brand™ tools', 'Brand tools'],
  ];
  for (const [input, spoken] of ROWS) test(JSON.stringify(input), () => assert.equal(normalize(speakEmoji(unmapped(input), 'name').text), spoken));
  test('skip never names', () => {
    for (const [input] of ROWS) assert.doesNotMatch(normalize(speakEmoji(unmapped(input), 'skip').text), /heart|thumbs|flag|rocket|technologist/);
  });
});

describe('bullets and punctuation runs', () => {
  const ROWS: [input: string, spoken: string][] = [
    ['Docs • Blog • Chat', 'Docs, Blog, Chat'],
    ['Fast · small · safe', 'Fast, small, safe'],
    ['One ▪ two', 'One, two'],
    ['• Leading bullet', 'Leading bullet'],
    ['Fast. • Simple.', 'Fast. Simple.'],
    ['Trailing •', 'Trailing'],
    ['col·lecció stays', 'col·lecció stays'],
    ['Wow!!!!', 'Wow!'],
    ['Really???', 'Really?'],
    ['What?!?!', 'What?'],
    ['Wait.....', 'Wait...'],
    ['Ellipsis... stays', 'Ellipsis... stays'],
  ];
  for (const [input, spoken] of ROWS) {
    test(JSON.stringify(input), () => {
      assert.equal(normalize(input), spoken);
      assert.equal(normalize(normalize(input)), spoken, 'idempotent');
    });
  }
});
