/**
 * Offline checks of a model folder (a user's `pocketReader.modelPath`, or the download cache before use).
 * Cheap on purpose, stat only: it runs on every start, and a user folder may hold a different export
 * (e.g. the tiny test model) whose hashes are not ours to pin.
 */
import path from 'node:path';
import { EngineError } from '../shared/errors';
import { statOrNull } from './files';
import { filesInGroups, localNamesFor, onnxManifest, type ModelFile, type ModelManifest } from './manifest';

export interface ModelProblem {
  /** Manifest name of the file ('.' for the folder itself). */
  file: string;
  kind: 'missing' | 'corrupt';
  /** What exactly is wrong, for messages in plain words; `truncated` comes with the two sizes. */
  reason: 'missing' | 'not-a-file' | 'empty' | 'truncated';
  /** The name found in the folder (an fp32 stand-in can differ from `file`), or the names looked for when missing. */
  name: string;
  bytes?: number;
  expectedBytes?: number;
  /** Human-readable, starts with the file name: "tokenizer.model is missing". */
  detail: string;
}

export interface CheckOptions {
  /** Groups that must be present (default: core). */
  groups?: readonly string[];
}

const FIX_MISSING = 'run Pocket Reader: Download Model, or point pocketReader.modelPath at a folder with the full set';
const FIX_CORRUPT = 'delete the damaged file and run Pocket Reader: Download Model, or point pocketReader.modelPath at a folder with the full set';

/**
 * Lists what is wrong with `dir`. With an explicit manifest, sizes are checked too (a file smaller than
 * pinned is truncated); without one, only the presence of the bundled manifest's file names is checked.
 */
export async function checkModelDir(dir: string, manifest?: ModelManifest, opts: CheckOptions = {}): Promise<ModelProblem[]> {
  const st = await statOrNull(dir);
  if (!st?.isDirectory()) return [{ file: '.', kind: 'missing', reason: 'missing', name: dir, detail: `the model folder ${dir} does not exist` }];
  const m = manifest ?? onnxManifest;
  const problems: ModelProblem[] = [];
  for (const f of filesInGroups(m, opts.groups ?? ['core'])) {
    if (f.localOptional) continue;
    const problem = await checkFile(dir, f, manifest);
    if (problem) problems.push(problem);
  }
  return problems;
}

async function checkFile(dir: string, f: ModelFile, manifest: ModelManifest | undefined): Promise<ModelProblem | null> {
  const names = localNamesFor(f.name);
  for (const name of names) {
    const st = await statOrNull(path.join(dir, ...name.split('/')));
    if (!st) continue;
    if (!st.isFile()) return { file: f.name, kind: 'corrupt', reason: 'not-a-file', name, detail: `${name} is not a regular file` };
    if (st.size === 0) return { file: f.name, kind: 'corrupt', reason: 'empty', name, detail: `${name} is empty` };
    // An fp32 stand-in is held to its own pinned size, if the manifest knows it.
    const pinned = name === f.name ? f.bytes : (manifest?.files.find((x) => x.name === name)?.bytes ?? null);
    if (manifest && pinned !== null && st.size < pinned) {
      return { file: f.name, kind: 'corrupt', reason: 'truncated', name, bytes: st.size, expectedBytes: pinned, detail: `${name} is truncated (${st.size} of ${pinned} bytes)` };
    }
    return null;
  }
  const label = names.length > 1 ? `${names[0]} (or ${names.slice(1).join(', ')})` : f.name;
  return { file: f.name, kind: 'missing', reason: 'missing', name: label, detail: `${label} is missing` };
}

/** Throws MODEL_CORRUPT or MODEL_MISSING with a message naming the files, the folder and the fix. */
export async function assertModelDir(dir: string, manifest?: ModelManifest, opts: CheckOptions = {}): Promise<void> {
  const problems = await checkModelDir(dir, manifest, opts);
  if (problems.length === 0) return;
  if (problems[0]!.file === '.') throw new EngineError('MODEL_MISSING', `The model folder ${dir} does not exist — ${FIX_MISSING}.`);
  throw modelDirError(dir, problems);
}

function modelDirError(dir: string, problems: readonly ModelProblem[]): EngineError {
  const missing = problems.filter((p) => p.kind === 'missing');
  const corrupt = problems.filter((p) => p.kind === 'corrupt');
  const parts = corrupt.map((p) => p.detail);
  if (missing.length === 1) parts.push(missing[0]!.detail);
  else if (missing.length > 1) parts.push(`${joinNames(missing.map((p) => p.detail.replace(/ is missing$/, '')))} are missing`);
  const code = corrupt.length > 0 ? 'MODEL_CORRUPT' : 'MODEL_MISSING';
  return new EngineError(code, `${parts.join('; ')} in ${dir} — ${code === 'MODEL_CORRUPT' ? FIX_CORRUPT : FIX_MISSING}.`);
}

function joinNames(names: string[]): string {
  return names.length <= 1 ? names.join('') : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
}

/** The path a file actually has in `dir` (an fp32 stand-in for an int8 graph counts), or null. */
export async function resolveModelFile(dir: string, name: string): Promise<string | null> {
  for (const candidate of localNamesFor(name)) {
    const p = path.join(dir, ...candidate.split('/'));
    if ((await statOrNull(p))?.isFile()) return p;
  }
  return null;
}
