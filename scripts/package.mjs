// Builds one platform-specific VSIX per target:  npm run package [-- --target <t> ...]
//
//   --target <t>        darwin-arm64 | darwin-x64 | win32-x64 | win32-arm64 | linux-x64 | linux-arm64 (repeatable;
//                       default: this machine's platform-arch)
//   --out-dir <dir>     where the .vsix files go (default: the project root; *.vsix is gitignored)
//   --coreml-addon <f>  the pocket_coreml.node to ship in darwin packages (default: native/build/Release when this
//                       machine is the target, else an existing dist/native/<target>/pocket_coreml.node)
//   --list              print every file of each VSIX
//   --keep-stage        keep the stage out/package/<target>.<pid>/ (default: removed when the script ends)
//
// Each target is staged in out/package/<target>.<pid>/ (the project's own dist/ is never touched, so a running test or
// debug session keeps its bundles): package.json, docs, .vscodeignore, media/, and dist/ holding
//   - a production build (scripts/build.mjs --production), minus the say/bench CLIs;
//   - dist/node_modules/onnxruntime-node/{package.json,dist/*.js,bin/napi-v6/<platform>/<arch>/**} and
//     dist/node_modules/onnxruntime-common/{package.json,dist/cjs/**}: the bundles keep onnxruntime-node external,
//     and Node resolves it from dist/*.js to dist/node_modules;
//   - dist/sonic-wasm/{sonic.js,sonic.wasm,package.json,LICENSE} (src/audio/timeStretch.ts resolveSonicModule);
//   - darwin: dist/native/<target>/pocket_coreml.node when an addon for that arch exists
//     (src/engine/backends/coremlAddon.ts), else the package falls back to ONNX Runtime and a warning is printed.
// The staged runtime is checked (resolution from dist/; on this machine's own target it is loaded and runs a tiny
// model), then `vsce package --no-dependencies --target <t>` runs with stdin closed, and the resulting VSIX is
// checked: required files present, no sources/tests/models/maps/other platforms' binaries.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { inflateRawSync } from 'node:zlib';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(path.join(root, 'package.json'));

/** vsce target -> [process.platform, process.arch] (onnxruntime-node's bin/napi-v6/<platform>/<arch>). */
const TARGETS = {
  'darwin-arm64': ['darwin', 'arm64'],
  'darwin-x64': ['darwin', 'x64'],
  'win32-x64': ['win32', 'x64'],
  'win32-arm64': ['win32', 'arm64'],
  'linux-x64': ['linux', 'x64'],
  'linux-arm64': ['linux', 'arm64'],
};
/** Root files/folders copied into the stage; .vscodeignore decides what of them ships. */
const STAGE_COPY = ['package.json', '.vscodeignore', 'README.md', 'CHANGELOG.md', 'LICENSE', 'THIRD_PARTY_NOTICES.md', 'media'];
/** Bundles built by scripts/build.mjs that the extension never runs (developer CLIs). */
const CLI_ONLY = ['say.js', 'bench.js'];
/** Every VSIX must have these (relative to extension/; vsce renames LICENSE to LICENSE.txt). */
const REQUIRED = ['package.json', 'LICENSE.txt', 'THIRD_PARTY_NOTICES.md', 'dist/extension.js', 'dist/engine-host.js', 'dist/decoder-worker.js',
  'dist/node_modules/onnxruntime-node/package.json', 'dist/node_modules/onnxruntime-node/dist/index.js',
  'dist/node_modules/onnxruntime-common/package.json', 'dist/node_modules/onnxruntime-common/dist/cjs/index.js',
  'dist/node_modules/onnxruntime-common/dist/cjs/package.json',
  'dist/sonic-wasm/sonic.js', 'dist/sonic-wasm/sonic.wasm', 'dist/sonic-wasm/package.json',
  'media/player.js', 'media/pcm-worklet.js', 'media/player.css', 'media/player-view.svg'];
/** Nothing in a VSIX may match these (relative to extension/). */
const FORBIDDEN = [
  [/^(src|test|models|scripts|native|out|\.ci|\.github|\.vscode-test|node_modules)\//, 'sources, tests, models, scripts or build output'],
  [/\.(map|ts|onnx|safetensors|npy|mlpackage|mlmodelc?|py|mm|cc|h|gyp)$/i, 'source maps, sources or model files'],
  [/(^|\/)(tsconfig\.json|package-lock\.json|\.npmrc|\.gitignore)$/, 'project configuration'],
];

// --- arguments -----------------------------------------------------------------------------------------------------
function parseArgs(argv) {
  const o = { targets: [], outDir: root, coremlAddon: undefined, list: false, keepStage: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const [flag, inline] = a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined) fail(`${flag} needs a value`);
      return v;
    };
    if (flag === '--target' || flag === '-t') o.targets.push(value());
    else if (flag === '--out-dir' || flag === '-o') o.outDir = path.resolve(value());
    else if (flag === '--coreml-addon') o.coremlAddon = path.resolve(value());
    else if (flag === '--list') o.list = true;
    else if (flag === '--keep-stage') o.keepStage = true;
    else if (flag === '--help' || flag === '-h') {
      console.log(readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\n').filter((l) => l.startsWith('//')).slice(0, 9).map((l) => l.slice(3)).join('\n'));
      process.exit(0);
    } else fail(`unknown argument ${a} (see --help)`);
  }
  if (o.targets.length === 0) o.targets.push(`${process.platform}-${process.arch}`);
  for (const t of o.targets) if (!TARGETS[t]) fail(`unsupported target ${t}; one of ${Object.keys(TARGETS).join(', ')}`);
  o.targets = [...new Set(o.targets)];
  return o;
}

function fail(msg) {
  console.error(`package: ${msg}`);
  process.exit(1);
}

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: ['ignore', 'inherit', 'inherit'], ...opts });
  if (r.error) fail(`${path.basename(cmd)} ${args[0] ?? ''}: ${r.error.message}`);
  if (r.status !== 0) fail(`${path.basename(args[0] ?? cmd)} ${args.slice(1).join(' ')} exited with ${r.status ?? r.signal}`);
  return r;
}

const mb = (n) => `${(n / 1024 / 1024).toFixed(1)} MB`;

// --- staging -------------------------------------------------------------------------------------------------------
function copyFiles(srcDir, destDir, filter = () => true) {
  if (!existsSync(srcDir)) fail(`missing ${srcDir}`);
  cpSync(srcDir, destDir, {
    recursive: true,
    filter: (src) => statSync(src).isDirectory() || filter(path.relative(srcDir, src)),
  });
}

/** The installed folder of package `name` as Node resolves it from `fromDir` (works despite an "exports" map). */
function packageDir(name, fromDir = root) {
  const req = createRequire(path.join(fromDir, 'noop.js'));
  for (const dir of req.resolve.paths(name) ?? []) {
    const candidate = path.join(dir, name);
    if (existsSync(path.join(candidate, 'package.json'))) return candidate;
  }
  fail(`${name} is not installed (npm ci)`);
}

/** The CPU types in a Mach-O (thin or fat) file, as Node arch names; [] when it is not Mach-O. */
function machOArchs(file) {
  const b = readFileSync(file);
  const cpu = (t) => ({ 0x01000007: 'x64', 0x0100000c: 'arm64' })[t >>> 0] ?? `cpu${t >>> 0}`;
  if (b.length >= 8 && b.readUInt32LE(0) === 0xfeedfacf) return [cpu(b.readUInt32LE(4))];
  if (b.length >= 8 && (b.readUInt32BE(0) === 0xcafebabe || b.readUInt32BE(0) === 0xcafebabf)) {
    const n = b.readUInt32BE(4);
    const size = b.readUInt32BE(0) === 0xcafebabf ? 32 : 20;
    return Array.from({ length: n }, (_, i) => cpu(b.readUInt32BE(8 + i * size)));
  }
  return [];
}

/**
 * onnxruntime-node's darwin folder holds two identical 44 MB copies of the runtime (libonnxruntime.1.30.0.dylib and
 * libonnxruntime.1.dylib; npm tarballs cannot carry the symlink). The binding links `@rpath/libonnxruntime.1.dylib`
 * with rpath `@loader_path`: keep the binding and the dylibs it (transitively) names, drop the rest.
 */
function darwinDylibsUsed(binDir) {
  const keep = new Set(['onnxruntime_binding.node']);
  const queue = ['onnxruntime_binding.node'];
  while (queue.length) {
    const text = readFileSync(path.join(binDir, queue.pop())).toString('latin1');
    for (const [, lib] of text.matchAll(/@(?:rpath|loader_path)\/(lib[\w.+-]+\.dylib)\0/g)) {
      if (keep.has(lib)) continue;
      if (!existsSync(path.join(binDir, lib))) fail(`${path.join(binDir, 'onnxruntime_binding.node')} links ${lib}, which is missing`);
      keep.add(lib);
      queue.push(lib);
    }
  }
  return (f) => keep.has(f);
}

function findCoremlAddon(target, arch, explicit) {
  const host = `${process.platform}-${process.arch}` === target;
  const candidates = [
    explicit,
    process.env.POCKET_READER_COREML_ADDON,
    host ? path.join(root, 'native', 'build', 'Release', 'pocket_coreml.node') : undefined,
    path.join(root, 'dist', 'native', target, 'pocket_coreml.node'),
  ].filter(Boolean);
  for (const file of candidates) {
    if (!existsSync(file)) {
      if (file === explicit) fail(`--coreml-addon ${file} does not exist`);
      continue;
    }
    const archs = machOArchs(file);
    if (archs.includes(arch)) return file;
    const why = `${file} is ${archs.length ? `Mach-O for ${archs.join('+')}` : 'not a Mach-O file'}, not ${arch}`;
    if (file === explicit) fail(why);
    console.warn(`package: skipping ${why}`);
  }
  return undefined;
}

function stage(target, opts) {
  const [platform, arch] = TARGETS[target];
  // per process, so concurrent runs (e.g. two `npm test`s in one checkout) cannot mix their stages
  const dir = path.join(root, 'out', 'package', `${target}.${process.pid}`);
  const dist = path.join(dir, 'dist');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  if (!opts.keepStage) process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

  for (const name of STAGE_COPY) {
    const src = path.join(root, name);
    if (existsSync(src)) cpSync(src, path.join(dir, name), { recursive: true });
    else if (name === 'LICENSE' || name === 'README.md' || name === 'package.json') console.warn(`package: warning: no ${name} at the project root`);
  }

  run(process.execPath, [path.join(root, 'scripts', 'build.mjs'), '--production', '--quiet', `--outdir=${dist}`]);
  for (const f of CLI_ONLY) rmSync(path.join(dist, f), { force: true });

  // onnxruntime-node + the onnxruntime-common it resolves, with only this target's binaries
  const ort = packageDir('onnxruntime-node');
  const ortBin = path.join(ort, 'bin', 'napi-v6', platform, arch);
  const ortVersion = JSON.parse(readFileSync(path.join(ort, 'package.json'), 'utf8')).version;
  if (!existsSync(path.join(ortBin, 'onnxruntime_binding.node'))) {
    const have = readdirSync(path.join(ort, 'bin', 'napi-v6')).flatMap((p) => readdirSync(path.join(ort, 'bin', 'napi-v6', p)).map((a) => `${p}-${a}`));
    fail(`onnxruntime-node ${ortVersion} has no binary for ${platform}/${arch} (it ships ${have.join(', ')}): cannot package ${target}`);
  }
  const ortDest = path.join(dist, 'node_modules', 'onnxruntime-node');
  cpSync(path.join(ort, 'package.json'), path.join(ortDest, 'package.json'));
  copyFiles(path.join(ort, 'dist'), path.join(ortDest, 'dist'), (f) => f.endsWith('.js'));
  copyFiles(ortBin, path.join(ortDest, 'bin', 'napi-v6', platform, arch), platform === 'darwin' ? darwinDylibsUsed(ortBin) : undefined);
  const common = packageDir('onnxruntime-common', ort);
  const commonDest = path.join(dist, 'node_modules', 'onnxruntime-common');
  cpSync(path.join(common, 'package.json'), path.join(commonDest, 'package.json'));
  copyFiles(path.join(common, 'dist', 'cjs'), path.join(commonDest, 'dist', 'cjs'), (f) => f.endsWith('.js') || path.basename(f) === 'package.json');

  // Sonic: ESM glue + wasm; its package.json ("type": "module") makes Node load sonic.js as ESM
  const sonic = packageDir('@echogarden/sonic-wasm');
  for (const f of ['sonic.js', 'sonic.wasm', 'package.json', 'LICENSE']) cpSync(path.join(sonic, f), path.join(dist, 'sonic-wasm', f));

  let coreml;
  if (platform === 'darwin') {
    coreml = findCoremlAddon(target, arch, opts.coremlAddon);
    if (coreml) cpSync(coreml, path.join(dist, 'native', target, 'pocket_coreml.node'));
    else console.warn(`package: warning: no pocket_coreml.node for ${target} (build it on macOS: npm ci); this VSIX uses ONNX Runtime only`);
  }
  return { dir, dist, coreml };
}

// y = 2x + 1 (Mul + Add, opset 13), the same 132-byte model as test/vscode/suite/smoke.test.ts
const TINY_ONNX =
  'CAgSEnBvY2tldC1yZWFkZXItdGVzdDpmChAKAXgKA3R3bxIBdCIDTXVsChAKAXQKA29uZRIBeSIDQWRkEgR0aW55Kg0QASIEAAAAQEIDdHdvKg0QASIEAACAP0IDb25lWg0KAXgSCAoGCAESAgoAYg0KAXkSCAoGCAESAgoAQgQKABAN';

/** Runs in a child Node: resolution from the bundle dir must land in the stage; on the host target, also load + run. */
const VERIFY_SCRIPT = String.raw`
const path = require('node:path');
const { createRequire } = require('node:module');
const { pathToFileURL } = require('node:url');
const [dist, load, model, coreml] = process.argv.slice(1);
const inside = (f) => f.startsWith(dist + path.sep);
const fromBundle = createRequire(path.join(dist, 'extension.js'));
const ortMain = fromBundle.resolve('onnxruntime-node');
if (!inside(ortMain)) throw new Error('onnxruntime-node resolves outside the stage: ' + ortMain);
const common = createRequire(ortMain).resolve('onnxruntime-common');
if (!inside(common)) throw new Error('onnxruntime-common resolves outside the stage: ' + common);
(async () => {
  if (load !== '1') return console.log('resolves: ' + path.relative(dist, ortMain) + ', ' + path.relative(dist, common) + ' (not loadable on this machine)');
  const ort = fromBundle('onnxruntime-node');
  const s = await ort.InferenceSession.create(Buffer.from(model, 'base64'));
  const out = await s.run({ x: new ort.Tensor('float32', Float32Array.from([1, 2, 3]), [3]) });
  if (Array.from(out.y.data).join() !== '3,5,7') throw new Error('tiny model gave ' + Array.from(out.y.data));
  await s.release();
  const outside = Object.keys(require.cache).filter((f) => /onnxruntime/.test(f) && !inside(f));
  if (outside.length) throw new Error('loaded from outside the stage: ' + outside.join(', '));
  const sonic = await (await import(pathToFileURL(path.join(dist, 'sonic-wasm', 'sonic.js')).href)).default();
  if (typeof sonic._sonicCreateStream !== 'function') throw new Error('sonic-wasm did not instantiate');
  let addon = '';
  if (coreml) {
    const a = fromBundle(path.join(dist, coreml));
    if (typeof a.loadModel !== 'function' || typeof a.read !== 'function' || typeof a.tensor !== 'function') throw new Error(coreml + ' is not the pocket_coreml addon');
    addon = ', CoreML addon OK';
  }
  console.log('loads: onnxruntime-node ' + ort.env.versions.common + ' from dist/node_modules (tiny model OK), sonic-wasm OK' + addon);
})().catch((e) => { console.error(e && e.stack || e); process.exit(1); });
`;

function verifyStage(target, dist, coreml) {
  const loadable = `${process.platform}-${process.arch}` === target;
  const env = { ...process.env };
  delete env.NODE_PATH;
  delete env.NODE_OPTIONS;
  const r = spawnSync(process.execPath, ['-e', VERIFY_SCRIPT, dist, loadable ? '1' : '0', TINY_ONNX, coreml ? `native/${target}/pocket_coreml.node` : ''], { cwd: dist, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.status !== 0) fail(`staged runtime check for ${target} failed:\n${r.stderr || r.stdout}`);
  console.log(`package: ${target}: staged runtime ${r.stdout.trim()}`);
}

// --- the VSIX ------------------------------------------------------------------------------------------------------
/** Entries of a zip file from its central directory (no zip64: a VSIX here is far below 4 GB). */
export function zipEntries(file) {
  const b = readFileSync(file);
  let eocd = -1;
  for (let i = b.length - 22; i >= Math.max(0, b.length - 22 - 0xffff); i--) {
    if (b.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error(`${file} is not a zip file`);
  const count = b.readUInt16LE(eocd + 10);
  let p = b.readUInt32LE(eocd + 16);
  const entries = [];
  for (let i = 0; i < count; i++) {
    if (b.readUInt32LE(p) !== 0x02014b50) throw new Error(`${file}: bad central directory`);
    const size = b.readUInt32LE(p + 24);
    const nameLen = b.readUInt16LE(p + 28);
    const extraLen = b.readUInt16LE(p + 30);
    const commentLen = b.readUInt16LE(p + 32);
    entries.push({ name: b.toString('utf8', p + 46, p + 46 + nameLen), size, method: b.readUInt16LE(p + 10), compressed: b.readUInt32LE(p + 20), offset: b.readUInt32LE(p + 42) });
    p += 46 + nameLen + extraLen + commentLen;
  }
  return entries;
}

/** The contents of one stored or deflated zip entry. */
function zipRead(file, entry) {
  const b = readFileSync(file);
  const start = entry.offset + 30 + b.readUInt16LE(entry.offset + 26) + b.readUInt16LE(entry.offset + 28);
  const data = b.subarray(start, start + entry.compressed);
  return entry.method === 8 ? inflateRawSync(data) : data;
}

function checkVsix(vsix, target, coreml) {
  const [platform, arch] = TARGETS[target];
  const entries = zipEntries(vsix);
  const files = entries.map((e) => e.name).filter((n) => n.startsWith('extension/')).map((n) => n.slice('extension/'.length));
  const problems = [];
  const required = [...REQUIRED, `dist/node_modules/onnxruntime-node/bin/napi-v6/${platform}/${arch}/onnxruntime_binding.node`];
  if (coreml) required.push(`dist/native/${target}/pocket_coreml.node`);
  for (const f of required) if (!files.includes(f)) problems.push(`missing ${f}`);
  for (const f of files) {
    for (const [re, what] of FORBIDDEN) if (re.test(f)) problems.push(`${f}: ${what} must not ship`);
    const bin = f.match(/^dist\/node_modules\/onnxruntime-node\/bin\/napi-v6\/([^/]+)\/([^/]+)\//);
    if (bin && (bin[1] !== platform || bin[2] !== arch)) problems.push(`${f}: another platform's binary`);
    const native = f.match(/^dist\/native\/([^/]+)\//);
    if (native && native[1] !== target) problems.push(`${f}: another target's addon`);
    if (CLI_ONLY.includes(f.replace(/^dist\//, ''))) problems.push(`${f}: developer CLI`);
  }
  const manifest = entries.find((e) => e.name === 'extension.vsixmanifest');
  if (!manifest || !zipRead(vsix, manifest).toString('utf8').includes(`TargetPlatform="${target}"`)) problems.push(`extension.vsixmanifest does not declare TargetPlatform="${target}"`);
  if (problems.length) fail(`${path.basename(vsix)} is wrong:\n  ${problems.join('\n  ')}`);
  return entries;
}

function packageTarget(target, opts, vsceBin, manifest) {
  const t0 = Date.now();
  const { dir, dist, coreml } = stage(target, opts);
  console.log(`package: ${target}: staged in ${path.relative(root, dir)}/${opts.keepStage ? ' (kept)' : ''}`);
  verifyStage(target, dist, coreml);
  mkdirSync(opts.outDir, { recursive: true });
  const vsix = path.join(opts.outDir, `${manifest.name}-${manifest.version}-${target}.vsix`);
  rmSync(vsix, { force: true });
  // stdin closed: vsce asks questions (missing LICENSE/repository, …) and must fail instead of hanging
  run(process.execPath, [vsceBin, 'package', '--no-dependencies', '--target', target, '--ignore-other-target-folders', '--out', vsix], { cwd: dir });
  const entries = checkVsix(vsix, target, coreml);
  if (opts.list) {
    for (const e of entries) console.log(`  ${String(e.size).padStart(10)}  ${e.name}`);
    console.log(`  ${String(entries.reduce((s, e) => s + e.size, 0)).padStart(10)}  (${entries.length} files, uncompressed)`);
  }
  const unpacked = entries.reduce((s, e) => s + e.size, 0);
  console.log(`package: ${target}: ${vsix}  ${mb(statSync(vsix).size)} (${entries.length} files, ${mb(unpacked)} unpacked${coreml ? ', with the CoreML addon' : ''}) in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return vsix;
}

// --- main ----------------------------------------------------------------------------------------------------------
if (path.resolve(process.argv[1] ?? '') === fileURLToPath(import.meta.url)) {
  const opts = parseArgs(process.argv.slice(2));
  const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
  const vscePkg = packageDir('@vscode/vsce');
  const vsceBin = path.join(vscePkg, JSON.parse(readFileSync(path.join(vscePkg, 'package.json'), 'utf8')).bin.vsce);
  const made = opts.targets.map((t) => packageTarget(t, opts, vsceBin, manifest));
  if (made.length > 1) for (const v of made) console.log(`${v}  ${mb(statSync(v).size)}`);
}
