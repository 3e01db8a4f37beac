/**
 * The export's voice encoder (Mimi encoder with the speaker projection baked in): 24 kHz mono audio [1, 1, N] →
 * one conditioning row per 80 ms frame [1, F, D]. Loaded per use and released after: voices are made rarely.
 */
import * as ort from 'onnxruntime-node';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { EngineError } from '../../shared/errors';
import { VOICE_ENCODER_FILE } from '../modelFiles';
import { createSession } from './onnxSession';

export interface EncodedVoice {
  /** frames × dim floats. */
  rows: Float32Array;
  frames: number;
}

export async function encodeVoice(dir: string, audio: Float32Array, samplesPerFrame: number, dim: number): Promise<EncodedVoice> {
  const file = path.join(dir, VOICE_ENCODER_FILE);
  if (!existsSync(file)) {
    throw new EngineError('MODEL_MISSING', `${VOICE_ENCODER_FILE} (the voice encoder) is missing in ${dir}: it downloads the first time you create a voice, or copy it into this model folder`);
  }
  // Kyutai pads the recording with silence to whole frames. The encoder is causal, so frames an export adds past
  // the input (one traced with a fixed length pads to it) leave these unchanged and are dropped.
  const frames = Math.ceil(audio.length / samplesPerFrame);
  const padded = new Float32Array(frames * samplesPerFrame);
  padded.set(audio);
  const session = await createSession(file, 0); // 0 = every core: a one-off the user waits for
  try {
    const { latents } = await session.run({ audio: new ort.Tensor('float32', padded, [1, 1, padded.length]) });
    const [, got, width] = latents!.dims as number[];
    if (width !== dim) {
      throw new EngineError('MODEL_CORRUPT', `${VOICE_ENCODER_FILE} in ${dir} makes ${width}-wide embeddings but the model takes ${dim}: it belongs to another model`);
    }
    if (got! < frames) {
      throw new EngineError('MODEL_CORRUPT', `${VOICE_ENCODER_FILE} in ${dir} returned ${got} frames for ${frames} frames of audio: it was exported for a fixed input length, so it cannot encode this recording`);
    }
    return { rows: (latents!.data as Float32Array).slice(0, frames * dim), frames };
  } finally {
    await session.release();
  }
}
