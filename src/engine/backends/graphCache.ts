/**
 * Graphs the engine derives from a model file at load (the lean backbone, the trimmed Mimi decoder) are kept on disk,
 * so later loads hand ONNX Runtime a file: no reading, rebuilding and copying of the source graph in JS. The weights
 * go to an external-data file beside the graph, which ONNX Runtime maps instead of copying (an INT8 backbone loads
 * in about half the CPU time and 40 MB less memory, an fp32 one in about a third). An entry is keyed by the source
 * file (path, size, modification time) and the derivation (its code and parameters), and replaces the older entries
 * of the same source; any file-system failure just means no cache.
 */
import { createHash } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import { defaultCacheRoot } from '../../store/cacheDir';
import { externalizeInitializers } from './onnxGraphEdit';

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
/** Bumped when the layout of cache entries changes. */
const FORMAT = 2;

/** The cache folder: POCKET_READER_GRAPH_CACHE if set (tests), else `<OS cache>/pocket-reader/graphs`. */
export function graphCacheDir(): string {
  return process.env.POCKET_READER_GRAPH_CACHE || path.join(defaultCacheRoot(), 'graphs');
}

export function derivedGraph(source: string, d: Derivation, dir = graphCacheDir()): Derived {
  const real = path.resolve(source);
  const st = statSync(real);
  const prefix = `${d.kind}-${hash(real, 12)}-`;
  const name = `${prefix}${hash(JSON.stringify([FORMAT, st.size, st.mtimeMs, d.identity]), 16)}`;
  const file = path.join(dir, `${name}.onnx`);
  if (existsSync(file)) return { file };
  const bytes = readFileSync(real);
  const built = d.build(bytes);
  if (typeof built === 'string') return { reason: built, source: bytes };
  try {
    mkdirSync(dir, { recursive: true });
    for (const f of readdirSync(dir)) if (f.startsWith(prefix)) rmSync(path.join(dir, f), { force: true });
    // The weights first, the graph last: a graph file only exists with its data complete beside it.
    const { model, blocks } = externalizeInitializers(built, `${name}.data`);
    const tmp = `.${process.pid}.tmp`;
    const fd = openSync(path.join(dir, `${name}.data${tmp}`), 'w');
    try {
      for (const b of blocks) writeSync(fd, b.bytes, 0, b.bytes.length, b.offset);
    } finally {
      closeSync(fd);
    }
    renameSync(path.join(dir, `${name}.data${tmp}`), path.join(dir, `${name}.data`));
    writeFileSync(`${file}${tmp}`, model);
    renameSync(`${file}${tmp}`, file);
    return { file };
  } catch {
    // A read-only or full disk: load from memory this time and every time.
    return { bytes: built };
  }
}
