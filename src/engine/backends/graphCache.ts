/**
 * Graphs the engine derives from a model file at load (the lean backbone, the trimmed Mimi decoder) are kept on disk,
 * so later loads hand ONNX Runtime a file: no reading, rebuilding and copying of the source graph in JS, which is
 * most of a cold start on these machines and the top of its memory peak. An entry is keyed by the source file (path,
 * size, modification time), the derivation (its code and parameters) and replaces the older entries of the same
 * source; any file-system failure just means no cache.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { defaultCacheRoot } from '../../store/cacheDir';

export interface Derivation {
  /** Names the kind of graph (file name prefix). */
  kind: string;
  /** Everything the result depends on besides the source bytes (builder code, parameters). */
  identity: string;
  /** The derived graph, or why there is none (not cached: the caller falls back). */
  build(source: Uint8Array): Uint8Array | string;
}

export type Derived = { file: string } | { bytes: Uint8Array } | { reason: string; source: Uint8Array };

const hash = (s: string, n: number) => createHash('sha256').update(s).digest('hex').slice(0, n);

/** The cache folder: POCKET_READER_GRAPH_CACHE if set (tests), else `<OS cache>/pocket-reader/graphs`. */
export function graphCacheDir(): string {
  return process.env.POCKET_READER_GRAPH_CACHE || path.join(defaultCacheRoot(), 'graphs');
}

export function derivedGraph(source: string, d: Derivation, dir = graphCacheDir()): Derived {
  const real = path.resolve(source);
  const st = statSync(real);
  const prefix = `${d.kind}-${hash(real, 12)}-`;
  const file = path.join(dir, `${prefix}${hash(JSON.stringify([st.size, st.mtimeMs, d.identity]), 16)}.onnx`);
  if (existsSync(file)) return { file };
  const bytes = readFileSync(real);
  const built = d.build(bytes);
  if (typeof built === 'string') return { reason: built, source: bytes };
  try {
    mkdirSync(dir, { recursive: true });
    for (const f of readdirSync(dir)) if (f.startsWith(prefix)) rmSync(path.join(dir, f), { force: true });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, built);
    renameSync(tmp, file);
  } catch {
    // A read-only or full disk: load from memory this time and every time.
  }
  return { bytes: built };
}
