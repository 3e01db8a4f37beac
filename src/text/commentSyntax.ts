/** How comments and strings look in a language family; strings are tracked only so "//" inside them isn't a comment. */
export interface CommentSyntax {
  line: readonly string[];
  block: readonly (readonly [open: string, close: string])[];
  /** Multi-line string delimiters (checked before `strings`), e.g. `"""`, "`". */
  longStrings: readonly (readonly [open: string, close: string])[];
  /** Single-line string quotes. */
  strings: readonly string[];
  /** `'` opens a character literal only when it closes right away (C, Rust lifetimes 'a, Go runes). */
  charQuote?: boolean;
  /** A line comment must start a word: `$#` or `${#x}` in shell, `a#b` in YAML are not comments. */
  lineNeedsSpace?: boolean;
  /** Block comments whose lines start with decorative `*` (JSDoc, Javadoc). */
  starredBlocks?: boolean;
}

const C_FAMILY: CommentSyntax = {
  line: ['//'], block: [['/*', '*/']], longStrings: [['"""', '"""'], ['`', '`']], strings: ['"'], charQuote: true, starredBlocks: true,
};
const JS_FAMILY: CommentSyntax = { ...C_FAMILY, longStrings: [['`', '`']], strings: ['"', "'"], charQuote: false };
const PHP: CommentSyntax = { ...JS_FAMILY, line: ['//', '#'] };
const COMPONENT: CommentSyntax = { ...JS_FAMILY, block: [['/*', '*/'], ['<!--', '-->']] };
const CSS: CommentSyntax = { line: [], block: [['/*', '*/']], longStrings: [], strings: ['"', "'"], starredBlocks: true };
const SCSS: CommentSyntax = { ...CSS, line: ['//'] };
const HASH: CommentSyntax = { line: ['#'], block: [], longStrings: [], strings: ['"', "'"] };
const SHELL: CommentSyntax = { ...HASH, lineNeedsSpace: true };
const PYTHON: CommentSyntax = { ...HASH, longStrings: [['"""', '"""'], ["'''", "'''"]] };
const POWERSHELL: CommentSyntax = { ...HASH, block: [['<#', '#>']] };
const SQL: CommentSyntax = { line: ['--'], block: [['/*', '*/']], longStrings: [], strings: ["'", '"'], starredBlocks: true };
const LUA: CommentSyntax = { line: ['--'], block: [['--[[', ']]']], longStrings: [['[[', ']]']], strings: ["'", '"'] };
const HASKELL: CommentSyntax = { line: ['--'], block: [['{-', '-}']], longStrings: [], strings: ['"'], charQuote: true };
const MARKUP: CommentSyntax = { line: [], block: [['<!--', '-->']], longStrings: [], strings: [] };

/** VS Code language ids → syntax. Unknown ids get no comment reading (see narrate()). */
const BY_LANGUAGE: Record<string, CommentSyntax> = {
  javascript: JS_FAMILY, javascriptreact: JS_FAMILY, typescript: JS_FAMILY, typescriptreact: JS_FAMILY, jsonc: JS_FAMILY,
  json5: JS_FAMILY, vue: COMPONENT, svelte: COMPONENT, astro: COMPONENT,
  c: C_FAMILY, cpp: C_FAMILY, 'cuda-cpp': C_FAMILY, csharp: C_FAMILY, java: C_FAMILY, go: C_FAMILY, rust: C_FAMILY,
  swift: C_FAMILY, kotlin: C_FAMILY, scala: C_FAMILY, dart: C_FAMILY, groovy: C_FAMILY, php: PHP,
  'objective-c': C_FAMILY, 'objective-cpp': C_FAMILY, proto: C_FAMILY, proto3: C_FAMILY, zig: C_FAMILY, glsl: C_FAMILY, hlsl: C_FAMILY,
  css: CSS, scss: SCSS, less: SCSS,
  python: PYTHON, shellscript: SHELL, bash: SHELL, sh: SHELL, zsh: SHELL, fish: SHELL, yaml: SHELL, dockerfile: SHELL,
  makefile: HASH, ruby: HASH, perl: HASH, r: HASH, toml: HASH, cmake: HASH, elixir: HASH, julia: HASH, nim: HASH,
  coffeescript: HASH, properties: HASH, ignore: HASH, powershell: POWERSHELL,
  sql: SQL, plsql: SQL, lua: LUA, haskell: HASKELL, elm: HASKELL,
  html: MARKUP, xml: MARKUP, xsl: MARKUP, svg: MARKUP,
};

export function commentSyntaxFor(languageId: string): CommentSyntax | undefined {
  return BY_LANGUAGE[languageId.toLowerCase()];
}
