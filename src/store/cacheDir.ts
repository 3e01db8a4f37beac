/** Where the CLI keeps downloaded models (the extension uses its globalStorageUri instead). */
import os from 'node:os';
import path from 'node:path';

export interface CacheDirEnv {
  platform?: NodeJS.Platform;
  env?: NodeJS.ProcessEnv;
  home?: string;
}

/** The per-user cache folder of Pocket Reader: `<OS cache>/pocket-reader`. */
export function defaultCacheRoot({ platform = process.platform, env = process.env, home = os.homedir() }: CacheDirEnv = {}): string {
  // Use the target platform's path flavour so the Windows/macOS answers are testable anywhere.
  const p = platform === 'win32' ? path.win32 : path.posix;
  let base: string;
  if (platform === 'win32') base = env.LOCALAPPDATA || p.join(home, 'AppData', 'Local');
  else if (platform === 'darwin') base = p.join(home, 'Library', 'Caches');
  // XDG says a relative XDG_CACHE_HOME is invalid and must be ignored.
  else base = env.XDG_CACHE_HOME && p.isAbsolute(env.XDG_CACHE_HOME) ? env.XDG_CACHE_HOME : p.join(home, '.cache');
  return p.join(base, 'pocket-reader');
}

/** The per-user cache folder for a model bundle: `<OS cache>/pocket-reader/models/<bundle>`. */
export function defaultModelCacheDir(bundle: string, env: CacheDirEnv = {}): string {
  const p = (env.platform ?? process.platform) === 'win32' ? path.win32 : path.posix;
  return p.join(defaultCacheRoot(env), 'models', bundle);
}
