/**
 * The model host. HF_ENDPOINT is the variable Hugging Face's own tools read for a mirror (e.g. a company proxy of
 * the hub); every download honours it, so one setting moves them all. Files stay pinned by commit and hash.
 */
export const HF_DEFAULT = 'https://huggingface.co';

export function hfEndpoint(env: NodeJS.ProcessEnv = process.env): string {
  const v = env.HF_ENDPOINT?.trim();
  return v && /^https?:\/\//.test(v) ? v.replace(/\/+$/, '') : HF_DEFAULT;
}

/** A pinned file URL on the default host, moved to the configured one. */
export function onEndpoint(url: string, env: NodeJS.ProcessEnv = process.env): string {
  return url.startsWith(`${HF_DEFAULT}/`) ? hfEndpoint(env) + url.slice(HF_DEFAULT.length) : url;
}
