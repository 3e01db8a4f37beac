/**
 * Reads `constants_bin/` of a CoreML set: raw little-endian float32 files, sized by the models
 * (FluidAudio PocketTtsConstantsLoader): text_embed_table.bin [vocab+1, D], bos_emb.bin [latentDim],
 * mimi_init_state/<input>.bin (missing => zeros), and the voices (`<name>.safetensors` KV snapshots,
 * or the legacy `<name>_audio_prompt.bin` conditioning rows).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { EngineError } from '../../shared/errors';

export function readF32(file: string, what: string): Float32Array {
  if (!existsSync(file)) throw new EngineError('MODEL_MISSING', `${what} is missing: ${file}`);
  const buf = readFileSync(file);
  if (buf.length % 4 !== 0) throw new EngineError('MODEL_CORRUPT', `${file} is not raw float32 (${buf.length} bytes)`);
  const out = new Float32Array(buf.length / 4);
  new Uint8Array(out.buffer).set(buf);
  return out;
}

export interface TextEmbeddings {
  rows: number;
  dim: number;
  table: Float32Array;
}

export function readTextEmbeddings(constantsDir: string, dim: number): TextEmbeddings {
  const table = readF32(path.join(constantsDir, 'text_embed_table.bin'), 'text_embed_table.bin');
  if (table.length === 0 || table.length % dim !== 0) {
    throw new EngineError('MODEL_CORRUPT', `text_embed_table.bin holds ${table.length} floats, not rows of ${dim} (the models' conditioning width)`);
  }
  return { rows: table.length / dim, dim, table };
}

export function readBosEmb(constantsDir: string, latentDim: number): Float32Array {
  const v = readF32(path.join(constantsDir, 'bos_emb.bin'), 'bos_emb.bin');
  if (v.length !== latentDim) throw new EngineError('MODEL_CORRUPT', `bos_emb.bin holds ${v.length} floats, expected ${latentDim}`);
  return v;
}

/** Initial Mimi state for one input: its file when present (size-checked), else zeros. */
export function readMimiInit(constantsDir: string, name: string, shape: readonly number[]): Float32Array {
  const n = shape.reduce((a, b) => a * b, 1);
  const file = path.join(constantsDir, 'mimi_init_state', `${name}.bin`);
  if (n === 0 || !existsSync(file)) return new Float32Array(n);
  const v = readF32(file, `mimi_init_state/${name}.bin`);
  if (v.length !== n) throw new EngineError('MODEL_CORRUPT', `mimi_init_state/${name}.bin holds ${v.length} floats, the model's ${name} needs ${n}`);
  return v;
}

/** Voice names shipped in constants_bin (either format). */
export function listVoices(constantsDir: string): string[] {
  if (!existsSync(constantsDir)) return [];
  const names = new Set<string>();
  for (const f of readdirSync(constantsDir)) {
    const m = /^(.+?)(\.safetensors|_audio_prompt\.bin)$/.exec(f);
    if (m) names.add(m[1]);
  }
  return [...names].sort();
}

export type VoiceSource = { kind: 'snapshot'; file: string } | { kind: 'prompt'; file: string };

/** A built-in voice: the KV snapshot wins over the legacy prompt (FluidAudio's order). */
export function builtinVoiceSource(constantsDir: string, name: string): VoiceSource {
  // Names map to files, so nothing path-like gets through.
  if (!/^[A-Za-z0-9_-]+$/.test(name)) throw new EngineError('UNKNOWN_VOICE', `"${name}" is not a voice name`);
  const snapshot = path.join(constantsDir, `${name}.safetensors`);
  if (existsSync(snapshot)) return { kind: 'snapshot', file: snapshot };
  const prompt = path.join(constantsDir, `${name}_audio_prompt.bin`);
  if (existsSync(prompt)) return { kind: 'prompt', file: prompt };
  const known = listVoices(constantsDir);
  throw new EngineError('UNKNOWN_VOICE', `The CoreML model set has no voice "${name}"${known.length ? ` (voices: ${known.join(', ')})` : ''}.`);
}
