/**
 * The export's voice encoder (Mimi encoder with the speaker projection baked in): 24 kHz mono audio [1, 1, N] →
 * one conditioning row per 80 ms frame [1, F, D]. Loaded per use and released after: voices are made rarely.
 *
 * A long recording is encoded in overlapping windows: the encoder's attention over the whole recording at once
 * costs memory and time quadratic in its length (30 s: 6.7 GB and minutes on the full-size architecture). The
 * encoder is causal with a receptive field of a few seconds (2 layers × a 250-step window at 200 Hz ≈ 2.5 s), so a
 * window that starts CONTEXT frames early reproduces the frames after that context. Each window checks this on the
 * last frame the previous one made; an encoder that reaches further back is run over the whole recording instead.
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

/** Frames per encoder run (10 s) and the context each later run starts with (5 s, twice the receptive field). */
const WINDOW = 125;
const CONTEXT = 62;
/** Relative agreement the overlap check demands (float rounding is ~1e-6). */
const OVERLAP_TOLERANCE = 1e-4;

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
    const encode = async (from: number, to: number): Promise<Float32Array> => {
      const input = padded.subarray(from * samplesPerFrame, to * samplesPerFrame).slice();
      const { latents } = await session.run({ audio: new ort.Tensor('float32', input, [1, 1, input.length]) });
      const [, got, width] = latents!.dims as number[];
      if (width !== dim) {
        throw new EngineError('MODEL_CORRUPT', `${VOICE_ENCODER_FILE} in ${dir} makes ${width}-wide embeddings but the model takes ${dim}: it belongs to another model`);
      }
      if (got! < to - from) {
        throw new EngineError('MODEL_CORRUPT', `${VOICE_ENCODER_FILE} in ${dir} returned ${got} frames for ${to - from} frames of audio: it was exported for a fixed input length, so it cannot encode this recording`);
      }
      return (latents!.data as Float32Array).subarray(0, (to - from) * dim);
    };
    return { rows: (await windowed(encode, frames, dim)) ?? (await encode(0, frames)).slice(), frames };
  } finally {
    await session.release();
  }
}

/** The frames window by window, or undefined when a window's context proves too short. */
async function windowed(encode: (from: number, to: number) => Promise<Float32Array>, frames: number, dim: number): Promise<Float32Array | undefined> {
  const rows = new Float32Array(frames * dim);
  for (let start = 0; start < frames; ) {
    const from = Math.max(0, start - CONTEXT);
    const end = Math.min(frames, from + WINDOW);
    const out = await encode(from, end);
    if (start > 0 && !agrees(out.subarray((start - 1 - from) * dim, (start - from) * dim), rows.subarray((start - 1) * dim, start * dim))) return undefined;
    rows.set(out.subarray((start - from) * dim), start * dim);
    start = end;
  }
  return rows;
}

function agrees(a: Float32Array, b: Float32Array): boolean {
  let scale = 0;
  let diff = 0;
  for (let i = 0; i < a.length; i++) {
    scale = Math.max(scale, Math.abs(b[i]!));
    diff = Math.max(diff, Math.abs(a[i]! - b[i]!));
  }
  return diff <= OVERLAP_TOLERANCE * Math.max(1, scale);
}
