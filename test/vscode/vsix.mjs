// The installed-VSIX check's host side (used by `node test/vscode/run.mjs --vsix`, which `npm test` runs once after
// the extension-host suite): packages this machine's VSIX with scripts/package.mjs, installs it with the rig's
// code-server into a fresh extensions dir (`--install-extension <vsix> --extensions-dir <dir>`), and returns the
// unpacked install folder. run.mjs then points extensionDevelopmentPath at that folder, so the extension-host tests
// exercise exactly what the VSIX contains (recipes/proven-on-these-machines.md §1.2).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { rigPaths } from './codeServerRunner.mjs';


const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
export const EXTENSION_ID = `${manifest.publisher}.${manifest.name}`;

/**
 * Packages the VSIX for `target` into `tmp`, installs it with code-server into `tmp/extensions` and returns
 * `{ vsix, extensionDir }`. Throws with the tool's output when a step fails.
 * @param {{ tmp: string, rigDir: string, target?: string, log?: (s: string) => void }} o
 */
export function packageAndInstall(o) {
  const log = o.log ?? ((s) => console.log(s));
  const target = o.target ?? `${process.platform}-${process.arch}`;
  const t0 = Date.now();
  const secs = () => `${((Date.now() - t0) / 1000).toFixed(1)} s`;

  const pkg = spawnSync(process.execPath, [path.join(root, 'scripts', 'package.mjs'), '--target', target, '--out-dir', o.tmp], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const pkgOut = `${pkg.stdout ?? ''}${pkg.stderr ?? ''}`;
  if (pkg.status !== 0) throw new Error(`scripts/package.mjs --target ${target} failed (${pkg.status ?? pkg.signal}):\n${pkgOut.trim()}`);
  const vsix = path.join(o.tmp, `${manifest.name}-${manifest.version}-${target}.vsix`);
  if (!existsSync(vsix)) throw new Error(`scripts/package.mjs made no ${vsix}:\n${pkgOut.trim()}`);
  log(`vsix: packaged ${path.basename(vsix)} (${(statSync(vsix).size / 1024 / 1024).toFixed(1)} MB) in ${secs()}`);

  // code-server's CLI, isolated like codeServerRunner.mjs does (it writes config/data under HOME/XDG dirs)
  const { node24, codeServerEntry } = rigPaths(o.rigDir);
  const dir = (n) => {
    const p = path.join(o.tmp, n);
    mkdirSync(p, { recursive: true });
    return p;
  };
  const extensionsDir = dir('extensions');
  const env = { ...process.env, HOME: dir('home'), XDG_CONFIG_HOME: dir('config'), XDG_DATA_HOME: dir('data'), XDG_CACHE_HOME: dir('cache'), TMPDIR: dir('tmp') };
  delete env.ELECTRON_RUN_AS_NODE;
  delete env.VSCODE_IPC_HOOK_CLI;
  const inst = spawnSync(node24, [codeServerEntry, '--user-data-dir', dir('user-data'), '--extensions-dir', extensionsDir, '--install-extension', vsix], {
    cwd: o.tmp,
    env,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 60_000,
  });
  const instOut = `${inst.stdout ?? ''}${inst.stderr ?? ''}`;
  if (inst.status !== 0 || !/successfully installed/i.test(instOut)) {
    throw new Error(`code-server --install-extension failed (${inst.status ?? inst.signal ?? inst.error?.message}):\n${instOut.trim()}`);
  }
  const folders = readdirSync(extensionsDir).filter((f) => f.toLowerCase().startsWith(`${EXTENSION_ID}-`));
  if (folders.length !== 1) throw new Error(`expected one ${EXTENSION_ID}-* folder in ${extensionsDir}, found: ${readdirSync(extensionsDir).join(', ')}`);
  const extensionDir = path.join(extensionsDir, folders[0]);
  log(`vsix: installed into ${path.relative(o.tmp, extensionDir)} (${secs()})`);
  return { vsix, extensionDir, target };
}
