/** Reads a model folder's bundle.json and resolves its files; every dimension comes from the files. */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { EngineError } from '../shared/errors';
import { builtinVoicePaths, isVoiceFile } from '../shared/voiceFiles';

export interface StateEntry {
  index: number;
  input_name: string;
  output_name: string;
  module: string;
  key: string;
  path: string;
  dtype: 'float32' | 'int64' | 'bool';
  shape: number[];
  fill: 'nan' | 'zeros' | 'ones' | 'empty' | 'mixed';
}

export interface Bundle {
  bundle_name: string;
  sample_rate: number;
  frame_rate: number;
  samples_per_frame: number;
  latent_dim: number;
  conditioning_dim: number;
  max_token_per_chunk: number;
  insert_bos_before_voice: boolean;
  remove_semicolons: boolean;
  pad_with_spaces_for_short_inputs: boolean;
  model_recommended_frames_after_eos: number | null;
  tokenizer_file: string;
  bos_before_voice_file?: string;
  predefined_voices: string[];
  flow_lm_state_manifest: StateEntry[];
  mimi_state_manifest: StateEntry[];
}

export interface OnnxModelFiles {
  dir: string;
  bundle: Bundle;
  tokenizer: string;
  textConditioner: string;
  flowLmMain: string;
  flowLmFlow: string;
  mimiDecoder: string;
}

/** The voice encoder (Mimi encoder + speaker projection): only voice cloning needs it, so it is not in OnnxModelFiles. */
export const VOICE_ENCODER_FILE = 'mimi_encoder.onnx';

const FIX = 'run "Pocket Reader: Download Model" (or `npm run say` without --model-dir), or point the model folder at a complete set';

function required(dir: string, names: string[]): string {
  for (const n of names) {
    const p = path.join(dir, n);
    if (existsSync(p)) return p;
  }
  throw new EngineError('MODEL_MISSING', `${names.join(' or ')} is missing in ${dir}: ${FIX}`);
}

export function readBundle(dir: string): Bundle {
  const file = path.join(dir, 'bundle.json');
  if (!existsSync(file)) throw new EngineError('MODEL_MISSING', `bundle.json is missing in ${dir}: ${FIX}`);
  try {
    const b = JSON.parse(readFileSync(file, 'utf8')) as Bundle;
    if (!Array.isArray(b.flow_lm_state_manifest) || !Array.isArray(b.mimi_state_manifest)) throw new Error('no state manifests');
    return b;
  } catch (e) {
    throw new EngineError('MODEL_CORRUPT', `bundle.json in ${dir} is unreadable (${(e as Error).message}): ${FIX}`);
  }
}

/** Prefers the published `_int8` backbone/flow graphs and falls back to the fp32 names; Mimi stays fp32. */
export function resolveOnnxFiles(dir: string): OnnxModelFiles {
  const bundle = readBundle(dir);
  return {
    dir,
    bundle,
    tokenizer: required(dir, [bundle.tokenizer_file || 'tokenizer.model']),
    textConditioner: required(dir, ['text_conditioner.onnx']),
    flowLmMain: required(dir, ['flow_lm_main_int8.onnx', 'flow_lm_main.onnx']),
    flowLmFlow: required(dir, ['flow_lm_flow_int8.onnx', 'flow_lm_flow.onnx']),
    mimiDecoder: required(dir, ['mimi_decoder.onnx', 'mimi_decoder_int8.onnx']),
  };
}

/** Built-in voices live in one of VOICE_FOLDERS; a voice may also be given as a file path. */
export function resolveVoiceFile(dir: string, voice: string, builtins: readonly string[]): string {
  if (isVoiceFile(voice)) {
    const p = path.resolve(voice);
    if (!existsSync(p)) throw new EngineError('UNKNOWN_VOICE', `voice file ${p} does not exist`);
    return p;
  }
  const found = builtinVoicePaths(dir, voice).find((p) => existsSync(p));
  if (found) return found;
  const known = builtins.length ? builtins.join(', ') : 'none';
  throw new EngineError('UNKNOWN_VOICE', `unknown voice "${voice}" (built-in voices here: ${known}; or pass a path to a voice .safetensors file)`);
}
