#!/usr/bin/env node
// Stands in for the VS Code executable (`vscodeExecutablePath` of @vscode/test-electron's runTests): it turns the
// VS Code CLI arguments into a run of codeServerRunner.mjs (code-server + headless chromium, see there).
//   --extensionTestsPath=… --extensionDevelopmentPath=… <folder> [--disable-extensions] [--extensions-dir=…]
// Without --extensionTestsPath the arguments go straight to code-server (--version, --install-extension, …).
// Config (env): POCKET_READER_VSCODE_RIG (default <project>/.vscode-test/rig), POCKET_READER_VSCODE_TIMEOUT_S (600),
// POCKET_READER_VSCODE_VERBOSE=1, CHROMIUM (/usr/bin/chromium). The whole environment reaches the extension host.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { rigPaths, runExtensionTests } from './codeServerRunner.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const rigDir = process.env.POCKET_READER_VSCODE_RIG || path.join(here, '..', '..', '.vscode-test', 'rig');
const args = process.argv.slice(2);
const values = (k) => args.filter((a) => a.startsWith(`--${k}=`)).map((a) => a.slice(k.length + 3));
const tests = values('extensionTestsPath')[0];

if (!tests) {
  if (args.length === 0 && process.env.NODE_TEST_CONTEXT) process.exit(0); // globbed by a bare `node --test`
  if (args.length === 0) {
    console.error('usage: code-shim.mjs --extensionTestsPath=… --extensionDevelopmentPath=… <folder>  (or code-server CLI args)');
    process.exit(2);
  }
  const { node24, codeServerEntry } = rigPaths(rigDir);
  const r = spawnSync(node24, [codeServerEntry, ...args], { stdio: 'inherit' });
  process.exit(r.status ?? 1);
}

// If our parent (test-electron / run.mjs) dies without signalling us, shut down code-server + chromium too.
const parent = process.ppid;
for (const stream of [process.stdout, process.stderr]) stream.on('error', () => {}); // EPIPE once the parent is gone
setInterval(() => {
  if (process.ppid !== parent) process.kill(process.pid, 'SIGTERM');
}, 1000).unref();

const devPaths = values('extensionDevelopmentPath');
if (devPaths.length > 1) console.warn(`code-shim: only the first extensionDevelopmentPath is used (${devPaths[0]})`);
const folder = args.find((a) => !a.startsWith('-'));
const disableExtensions = args.includes('--disable-extensions');
const code = await runExtensionTests({
  extensionDevelopmentPath: devPaths[0] ? path.resolve(devPaths[0]) : null,
  extensionTestsPath: path.resolve(tests),
  workspaceFolder: path.resolve(folder ?? process.cwd()),
  // --disable-extensions: a fresh empty extensions dir (the default); else honour --extensions-dir like VS Code does.
  extensionsDir: disableExtensions ? undefined : values('extensions-dir')[0],
  rigDir,
  // A whole-run guard only (each test has its own timeout): a loaded 2-core machine needs ~1 min just to open the workbench.
  timeoutS: Number(process.env.POCKET_READER_VSCODE_TIMEOUT_S) || 600,
  verbose: !!process.env.POCKET_READER_VSCODE_VERBOSE,
});
process.exit(code);
