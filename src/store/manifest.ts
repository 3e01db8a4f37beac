/**
 * The pinned model-set manifest: which files make up a bundle, where each comes from and how to verify it.
 * The bundled JSON is imported statically so the bundler inlines it (the VSIX carries no models/ folder).
 */
import bundled from '../../models/onnx-manifest.json';

export interface ModelFile {
  /** Path relative to the model folder, always with `/` (e.g. `voices/alba.safetensors`). */
  name: string;
  url: string;
  /** Exact size, or null where the upstream size was never recorded (sha256 still pins the content). */
  bytes: number | null;
  sha256: string;
  /** "core", "fp32", "encoder" (voice cloning, fetched on first use) or "voice:<name>"; ensureModelSet downloads by group. */
  group: string;
  license?: string;
  source?: string;
  /** Downloaded with its group, but a user-provided folder may lack it (e.g. LICENSE sits outside the bundle dir upstream). */
  localOptional?: boolean;
}

export interface ModelManifest {
  schemaVersion: 1;
  bundle: string;
  license: string;
  defaultVoice: string;
  files: ModelFile[];
}

export function parseManifest(json: unknown): ModelManifest {
  const m = json as Partial<ModelManifest> | null;
  if (!m || m.schemaVersion !== 1 || typeof m.bundle !== 'string' || !Array.isArray(m.files)) {
    throw new Error('model manifest: unsupported or malformed (expected schemaVersion 1 with a files list)');
  }
  for (const f of m.files) {
    if (typeof f.name !== 'string' || !isSafeRelativeName(f.name)) throw new Error(`model manifest: unsafe file name ${JSON.stringify(f.name)}`);
    if (typeof f.url !== 'string' || !/^https?:\/\//.test(f.url)) throw new Error(`model manifest: bad url for ${f.name}`);
    if (typeof f.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(f.sha256)) throw new Error(`model manifest: bad sha256 for ${f.name}`);
    if (f.bytes !== null && !(Number.isSafeInteger(f.bytes) && f.bytes >= 0)) throw new Error(`model manifest: bad size for ${f.name}`);
  }
  return m as ModelManifest;
}

/** The manifest shipped with the extension (KevinAHM/pocket-tts-onnx english_2026-04 at a fixed commit). */
export const onnxManifest: ModelManifest = parseManifest(bundled);

/** Names must stay inside the model folder, whatever the manifest says. */
function isSafeRelativeName(name: string): boolean {
  if (name === '' || name.startsWith('/') || name.includes('\\') || /^[a-zA-Z]:/.test(name)) return false;
  return name.split('/').every((seg) => seg !== '' && seg !== '.' && seg !== '..');
}

/** The groups fetched when the caller names none: the runtime graphs plus the default voice. */
export function defaultGroups(manifest: ModelManifest): string[] {
  return ['core', `voice:${manifest.defaultVoice}`];
}

/** Files in any of `groups`; "voice:*" selects every voice. */
export function filesInGroups(manifest: ModelManifest, groups: readonly string[]): ModelFile[] {
  const matches = (g: string, fileGroup: string) => (g.endsWith(':*') ? fileGroup.startsWith(g.slice(0, -1)) : g === fileGroup);
  return manifest.files.filter((f) => groups.some((g) => matches(g, f.group)));
}

/** Bytes a download of `groups` fetches (files of unrecorded size count as 0). */
export function groupBytes(manifest: ModelManifest, groups: readonly string[]): number {
  return filesInGroups(manifest, groups).reduce((n, f) => n + (f.bytes ?? 0), 0);
}

/** A size as the UI, the CLI and the README state it, in decimal units: "150 MB", "6.2 MB", "59 kB". */
export function formatSize(bytes: number): string {
  const mb = bytes / 1e6;
  if (mb >= 10) return `${Math.round(mb)} MB`;
  if (mb >= 1) return `${Number(mb.toFixed(1))} MB`;
  return `${Math.round(bytes / 1e3)} kB`;
}

/**
 * Names a local folder may use for a manifest file, preferred first: an int8 graph can be replaced by its
 * fp32 export (`flow_lm_main_int8.onnx` -> `flow_lm_main.onnx`), which runs the same graph contract.
 */
export function localNamesFor(name: string): string[] {
  const fp32 = name.replace(/_int8\.onnx$/, '.onnx');
  return fp32 === name ? [name] : [name, fp32];
}
