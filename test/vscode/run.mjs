// Extension-host integration tests (called by scripts/test.mjs; also runnable alone: `node test/vscode/run.mjs [name…]`).
//  1. builds the extension (scripts/build.mjs) and the suite bundle out/vscode-test/run-<pid>/index.js
//     (suite/index.ts + every suite/*.test.ts, CJS, `vscode` external);
//  2. starts a private PulseAudio null sink and hands PULSE_SERVER to the extension host;
//  3. runs @vscode/test-electron's runTests() with code-shim.mjs as the "VS Code executable"
//     (code-server + headless chromium, see codeServerRunner.mjs);
//  4. writes { passed, failed[, skipped] } to $POCKET_READER_RESULT.
// A full run (no test filter) then runs the installed-VSIX check once, as `run.mjs --vsix` in a child process, and
// adds its counts: package this machine's VSIX (scripts/package.mjs), install it with code-server into a fresh
// extensions dir, and run suite/smoke.test.ts + suite-vsix/*.test.ts with extensionDevelopmentPath = the unpacked
// install folder (test/vscode/vsix.mjs). `--vsix` runs only that check; POCKET_READER_VSCODE_VSIX=0 skips it.
// The counts come back from the extension host through the JSON file named by POCKET_READER_VSCODE_RESULT
// (runTests' extensionTestsEnv → shim → code-server → extension host).
// Env: POCKET_READER_VSCODE_RIG, POCKET_READER_VSCODE_TIMEOUT_S, POCKET_READER_VSCODE_VERBOSE, CHROMIUM, CI.
import { spawn, spawnSync } from 'node:child_process';
import { accessSync, chmodSync, constants, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { rigProblem } from './codeServerRunner.mjs';
import { packageAndInstall } from './vsix.mjs';

if (process.env.NODE_TEST_CONTEXT) {
  // `node --test` with no file arguments globs **/test/**/*.mjs and would run this file as a unit test.
  console.log('test/vscode/run.mjs is not a node:test file; skipping');
  process.exit(0);
}

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.join(here, '..', '..');
const require = createRequire(import.meta.url);
const t0 = Date.now();
const secs = () => `${((Date.now() - t0) / 1000).toFixed(1)} s`;
const resultPath = process.env.POCKET_READER_RESULT;
const rigDir = process.env.POCKET_READER_VSCODE_RIG || path.join(root, '.vscode-test', 'rig');
const chromium = process.env.CHROMIUM || '/usr/bin/chromium';
// extra args select tests whose "<file>: <name>" contains any of them, e.g. `node test/vscode/run.mjs smoke.test`
const grep = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const vsixMode = process.argv.includes('--vsix');
const label = vsixMode ? 'installed-VSIX tests' : 'extension-host tests';

function finish(result, exitCode) {
  if (resultPath) writeFileSync(resultPath, JSON.stringify(result));
  process.exit(exitCode);
}

// --- rig present? --------------------------------------------------------------------------------------------------
const problem = rigProblem(rigDir, chromium);
if (problem) {
  const msg = `VS Code test rig not installed: run scripts/setup-vscode-rig.sh`;
  if (process.env.CI) {
    console.error(`\n*** ${msg} (${problem}) — CI is set, so this is a failure ***\n`);
    finish({ passed: 0, failed: 1, error: `${msg} (${problem})` }, 1);
  }
  console.log(`extension-host tests skipped: ${msg} (${problem})`);
  finish({ passed: 0, failed: 0, skipped: msg }, 0);
}

// --- build ---------------------------------------------------------------------------------------------------------
if (!vsixMode && spawnSync(process.execPath, [path.join(root, 'scripts', 'build.mjs'), '--quiet'], { cwd: root, stdio: 'inherit' }).status !== 0) {
  console.error('extension build failed');
  finish({ passed: 0, failed: 1, error: 'extension build failed' }, 1);
}
const suiteDir = path.join(here, 'suite');
// A directory per run: concurrent runs in one checkout must not rebuild each other's bundle under a live host.
const outDir = path.join(root, 'out', 'vscode-test', `${vsixMode ? 'vsix' : 'run'}-${process.pid}`);
const suiteFiles = readdirSync(suiteDir).filter((f) => f.endsWith('.test.ts')).sort();
// --vsix: the harness smoke tests + the installed-package tests (reader.test.ts needs models/ inside the extension)
const vsixSuiteDir = path.join(here, 'suite-vsix');
const testFiles = vsixMode
  ? ['smoke.test.ts', ...readdirSync(vsixSuiteDir).filter((f) => f.endsWith('.test.ts')).sort().map((f) => `../suite-vsix/${f}`)]
  : suiteFiles;
const esbuild = await import('esbuild');
process.on('exit', () => rmSync(outDir, { recursive: true, force: true }));
try {
  await esbuild.build({
    stdin: {
      // One bundle, so the harness registry is shared. require() keeps the order, so each test knows its file.
      contents: [
        `const harness = require('./harness');`,
        ...testFiles.flatMap((f) => [`harness.setCurrentFile(${JSON.stringify(path.basename(f))});`, `require(${JSON.stringify(`./${f.slice(0, -3)}`)});`]),
        `module.exports.run = require('./index').run;`,
      ].join('\n'),
      resolveDir: suiteDir,
      sourcefile: 'vscode-suite-entry.js',
      loader: 'js',
    },
    outfile: path.join(outDir, 'index.js'),
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    sourcemap: 'inline',
    external: ['vscode', 'onnxruntime-node', '*.node'],
    logLevel: 'error',
  });
} catch {
  finish({ passed: 0, failed: 1, error: 'suite build failed' }, 1);
}
console.log(`${label.replace(/s$/, '')} suite: ${testFiles.length} file(s) bundled to ${path.relative(root, outDir)}/index.js (${secs()})`);

// --- null sink -----------------------------------------------------------------------------------------------------
const tmp = mkdtempSync(path.join(tmpdir(), 'pr-vscode-'));
const hostResult = path.join(tmp, 'host-result.json');
let pulse = null;
const stopPulse = () => {
  if (pulse && pulse.exitCode === null && pulse.signalCode === null) pulse.kill('SIGTERM');
};
const stopPulseAndWait = async () => {
  if (!pulse || pulse.exitCode !== null || pulse.signalCode !== null) return;
  const exited = new Promise((r) => pulse.once('exit', r));
  stopPulse();
  await Promise.race([exited, new Promise((r) => setTimeout(r, 2000))]);
};
process.on('exit', () => {
  stopPulse();
  try {
    rmSync(tmp, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
  } catch {
    /* pulseaudio may still be writing its log */
  }
});
// (the shim notices its parent is gone and stops code-server/chromium itself)
for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(s, () => {
    console.log(`run.mjs: ${s}, stopping`);
    stopPulseAndWait().finally(() => process.exit(s === 'SIGINT' ? 130 : 143));
  });
}

async function startNullSink() {
  const dir = path.join(tmp, 'pulse');
  const home = path.join(dir, 'home');
  const run = path.join(dir, 'run');
  mkdirSync(home, { recursive: true });
  mkdirSync(run, { recursive: true });
  chmodSync(run, 0o700);
  const sock = path.join(run, 'pa.sock');
  pulse = spawn('pulseaudio', [
    '-n', '--daemonize=no', '--exit-idle-time=-1', '--use-pid-file=no',
    `--log-target=file:${path.join(dir, 'pa.log')}`,
    '-L', 'module-null-sink sink_name=nullsink rate=48000',
    '-L', `module-native-protocol-unix auth-anonymous=1 socket=${sock}`,
  ], { env: { ...process.env, HOME: home, XDG_RUNTIME_DIR: run }, stdio: 'ignore' });
  const failed = new Promise((resolve) => {
    pulse.once('error', (e) => resolve(String(e)));
    pulse.once('exit', (c, s) => resolve(`pulseaudio exited (${c ?? s})`));
  });
  for (let i = 0; i < 50; i++) {
    if (existsSync(sock)) return `unix:${sock}`;
    const why = await Promise.race([failed, new Promise((r) => setTimeout(() => r(null), 100))]);
    if (why) throw new Error(why);
  }
  throw new Error(`pulseaudio made no socket in 5 s (${path.join(dir, 'pa.log')})`);
}

let pulseServer;
try {
  pulseServer = await startNullSink();
  console.log(`null sink: ${pulseServer} (${secs()})`);
} catch (e) {
  stopPulse();
  if (process.env.CI) {
    console.error(`*** PulseAudio null sink failed to start (CI is set): ${e.message}`);
    finish({ passed: 0, failed: 1, error: `null sink: ${e.message}` }, 1);
  }
  console.warn(`null sink unavailable (${e.message}); audio tests will skip`);
}

// --- --vsix: package + install ---------------------------------------------------------------------------------------
let installed = null;
if (vsixMode) {
  try {
    installed = packageAndInstall({ tmp: path.join(tmp, 'vsix'), rigDir, log: (s) => console.log(`${s} (${secs()})`) });
  } catch (e) {
    console.error(`*** the VSIX could not be packaged/installed: ${e.message}`);
    await stopPulseAndWait();
    finish({ passed: 0, failed: 1, error: 'VSIX package/install failed' }, 1);
  }
}

// --- run -----------------------------------------------------------------------------------------------------------
const shim = path.join(here, 'code-shim.mjs');
try {
  accessSync(shim, constants.X_OK);
} catch {
  chmodSync(shim, 0o755); // a checkout may lose the exec bit; test-electron spawns the shim directly
}
const { runTests } = require('@vscode/test-electron');
let runError = null;
try {
  await runTests({
    vscodeExecutablePath: shim,
    extensionDevelopmentPath: installed ? installed.extensionDir : root,
    extensionTestsPath: path.join(outDir, 'index.js'),
    launchArgs: [path.join(here, 'workspace'), '--disable-extensions'],
    extensionTestsEnv: {
      POCKET_READER_VSCODE_RESULT: hostResult,
      POCKET_READER_VSCODE_RIG: rigDir,
      POCKET_READER_SCREENSHOTS: process.env.POCKET_READER_SCREENSHOTS || path.join(root, 'out', 'screenshots'),
      ...(installed ? { POCKET_READER_VSIX_DIR: installed.extensionDir, POCKET_READER_TINY_MODEL: path.join(root, 'models', 'generated', 'tiny') } : {}),
      ...(grep.length ? { POCKET_READER_VSCODE_GREP: grep.join('|') } : {}),
      ...(pulseServer ? { PULSE_SERVER: pulseServer, POCKET_READER_VSCODE_EXPECT_PULSE: '1' } : {}),
    },
  });
} catch (e) {
  runError = e;
}
await stopPulseAndWait();

let result;
if (existsSync(hostResult)) {
  const r = JSON.parse(readFileSync(hostResult, 'utf8'));
  result = { passed: r.passed + (installed ? 1 : 0), failed: r.failed }; // +1: the VSIX packaged, passed its content check and installed
  if (runError && r.failed === 0) {
    result.failed = 1; // the tests said pass but the run did not end cleanly
    console.error(`extension-host run failed after the tests reported: ${runError.message}`);
  }
  if (r.skipped) console.log(`(${r.skipped} extension-host test(s) skipped)`);
} else {
  console.error(`extension-host run reported no result${runError ? ` (${runError.message})` : ''}`);
  result = { passed: 0, failed: 1, error: 'no result from the extension host' };
}
console.log(`${label}: ${result.passed} passed, ${result.failed} failed in ${secs()}`);

// --- a full run adds the installed-VSIX check once (its own code-server/chromium/null sink, in a child) ----------------
if (!vsixMode && grep.length === 0 && process.env.POCKET_READER_VSCODE_VSIX !== '0') {
  const vsixResult = path.join(tmp, 'vsix-result.json');
  const status = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--vsix'], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, POCKET_READER_RESULT: vsixResult },
  }).status;
  if (existsSync(vsixResult)) {
    const r = JSON.parse(readFileSync(vsixResult, 'utf8'));
    result.passed += r.passed;
    result.failed += r.failed;
  } else {
    console.error(`installed-VSIX check reported no result (exit ${status})`);
    result.failed += 1;
  }
  console.log(`extension-host + installed-VSIX tests: ${result.passed} passed, ${result.failed} failed in ${secs()}`);
}
finish(result, result.failed === 0 ? 0 : 1);
