/**
 * A voice from a recording, as Kyutai's get_state_for_audio_prompt makes one: the recording → the voice encoder →
 * BOS-before-voice (when the bundle asks for it) → one backbone prefill from an empty state → the state, in the
 * built-in voices' file format.
 */
import path from 'node:path';
import { EngineError } from '../shared/errors';
import type { ClonedVoice, EngineCalls } from '../shared/protocol';
import type { Engine } from './engine';
import type { OnnxModelFiles } from './modelFiles';
import { readNpy } from './npy';
import { encodeSafetensors } from './safetensors';
import { loadVoicePrompt } from './voicePrompt';

export async function cloneVoice(engine: Engine, params: EngineCalls['cloneVoice']['params']): Promise<ClonedVoice> {
  const { files } = engine;
  const info = engine.backend.info;
  const dim = info.conditioningDim;
  const prompt = await loadVoicePrompt(params.recording, info.sampleRate);
  const voice = await engine.encodeVoice(files.dir, prompt.audio, info.samplesPerFrame, dim);
  const bos = info.insertBosBeforeVoice ? bosBeforeVoice(files, dim) : new Float32Array(0);
  const rows = new Float32Array(bos.length + voice.rows.length);
  rows.set(bos);
  rows.set(voice.rows, bos.length);
  const positions = rows.length / dim;
  const saved = await engine.prefillSavedVoice(rows, positions);
  const metadata = {
    ...params.metadata,
    'pocket_reader.model': files.bundle.bundle_name,
    'pocket_reader.recording_seconds': prompt.seconds.toFixed(2),
  };
  return { safetensors: encodeSafetensors(saved, metadata), notices: prompt.notices, seconds: prompt.seconds, positions };
}

function bosBeforeVoice(files: OnnxModelFiles, dim: number): Float32Array {
  const name = files.bundle.bos_before_voice_file || 'bos_before_voice.npy';
  const file = path.join(files.dir, name);
  let data: ArrayLike<unknown>;
  try {
    data = readNpy(file).data;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new EngineError('MODEL_MISSING', `${name} is missing in ${files.dir}; the model needs it to make a voice`);
    throw e;
  }
  if (!(data instanceof Float32Array) || data.length !== dim) {
    throw new EngineError('MODEL_CORRUPT', `${name} in ${files.dir} is not ${dim} float32 values: it belongs to another model`);
  }
  return data;
}
