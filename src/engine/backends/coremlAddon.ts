/**
 * Finds and loads the pocket_coreml Node-API addon (native/) without ever throwing.
 *
 * NEVER import this module on the VS Code extension host's main thread: every addon call (model
 * compilation, first-load specialization, predict) is synchronous and would freeze the editor. Use it
 * only inside the engine worker_thread, or in a plain Node process such as the CLI. Plain Node: no `vscode`.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { PocketCoreMLAddon } from '../../../native/index';

export type { PocketCoreMLAddon } from '../../../native/index';

export type CoreMLAddonResult =
  | { ok: true; addon: PocketCoreMLAddon; path: string }
  | { ok: false; reason: string };

export const COREML_UNAVAILABLE_REASON = 'CoreML not available on this platform';
export const COREML_ADDON_FILE = 'pocket_coreml.node';
/** An explicit addon path, tried first (for development and tests). */
export const COREML_ADDON_ENV = 'POCKET_READER_COREML_ADDON';

export interface LoadCoreMLAddonOptions {
  platform?: NodeJS.Platform;
  arch?: string;
  /** The directory of the running bundle/module; defaults to `__dirname` (or the cwd when undefined). */
  baseDir?: string;
  env?: Record<string, string | undefined>;
  /** Loads a `.node` file; defaults to Node's require. */
  requireFn?: (file: string) => unknown;
}

/**
 * Where the addon may live, in order:
 *  - $POCKET_READER_COREML_ADDON;
 *  - the node-gyp output `native/build/Release/pocket_coreml.node` of a source checkout;
 *  - the packaged copy `dist/native/<platform>-<arch>/pocket_coreml.node` inside the VSIX.
 * Each relative to the bundle (`dist/*.js`, so `..` is the root) and to the source tree
 * (`src/engine/backends/*.ts`, so `../../..` is the root).
 */
export function coremlAddonCandidates(baseDir: string, platform: string, arch: string, env: Record<string, string | undefined> = {}): string[] {
  const target = `${platform}-${arch}`;
  const roots = [path.resolve(baseDir, '..'), path.resolve(baseDir, '..', '..', '..')];
  const paths: string[] = [];
  const override = env[COREML_ADDON_ENV];
  if (override) paths.push(path.resolve(override));
  for (const root of roots) paths.push(path.join(root, 'native', 'build', 'Release', COREML_ADDON_FILE));
  for (const root of roots) paths.push(path.join(root, 'dist', 'native', target, COREML_ADDON_FILE));
  return [...new Set(paths)];
}

function looksLikeAddon(value: unknown): value is PocketCoreMLAddon {
  const v = value as Partial<Record<keyof PocketCoreMLAddon, unknown>> | null;
  return !!v && typeof v.loadModel === 'function' && typeof v.read === 'function' && typeof v.tensor === 'function';
}

function errorText(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0] ?? '';
}

let cached: CoreMLAddonResult | undefined;

/** Loads the addon once per thread (options bypass the cache). Never throws. */
export function loadCoreMLAddon(options?: LoadCoreMLAddonOptions): CoreMLAddonResult {
  if (!options && cached) return cached;
  let result: CoreMLAddonResult;
  try {
    result = tryLoad(options ?? {});
  } catch (e) {
    result = { ok: false, reason: `CoreML addon loader failed: ${errorText(e)}` };
  }
  if (!options) cached = result;
  return result;
}

function tryLoad(options: LoadCoreMLAddonOptions): CoreMLAddonResult {
  const platform = options.platform ?? process.platform;
  if (platform !== 'darwin') return { ok: false, reason: COREML_UNAVAILABLE_REASON };

  const baseDir = options.baseDir ?? (typeof __dirname === 'string' ? __dirname : process.cwd());
  const candidates = coremlAddonCandidates(baseDir, platform, options.arch ?? process.arch, options.env ?? process.env);
  const load = options.requireFn ?? createRequire(path.join(baseDir, 'noop.js'));
  const tried: string[] = [];
  for (const file of candidates) {
    if (!existsSync(file)) {
      tried.push(`${file}: not found`);
      continue;
    }
    try {
      const mod = load(file);
      if (looksLikeAddon(mod)) return { ok: true, addon: mod, path: file };
      tried.push(`${file}: not a pocket_coreml addon`);
    } catch (e) {
      tried.push(`${file}: ${errorText(e)}`);
    }
  }
  return { ok: false, reason: `CoreML addon not loaded; tried:\n  ${tried.join('\n  ')}` };
}
