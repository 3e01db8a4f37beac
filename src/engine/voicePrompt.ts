/**
 * A recording → the voice encoder's input: mono float at the model's rate, at most 30 s (Kyutai's own cut), with
 * notices for what will make the likeness weak and errors for what cannot make a voice at all.
 */
import path from 'node:path';
import { resampleMono } from '../audio/resample';
import { readWavStart, WavFormatError, type WavAudio } from '../audio/wavDecode';
import { EngineError } from '../shared/errors';
import type { VoiceNotice } from '../shared/protocol';

export const MAX_SECONDS = 30;
export const MIN_SECONDS = 0.5;
/** Below this the model has too little of the voice to go on (Kyutai suggests about 5-10 s). */
export const WEAK_SECONDS = 3;
/** Peak below −60 dBFS: nothing was recorded (a muted or wrong microphone). */
const SILENT_PEAK = 1e-3;
/** A sample this close to full scale is taken as clipped; more than CLIPPED_SHARE of them is heavy clipping. */
const CLIP_LEVEL = 0.999;
const CLIPPED_SHARE = 1e-3;

export interface VoicePrompt {
  /** Mono samples at `sampleRate`. */
  audio: Float32Array;
  seconds: number;
  notices: VoiceNotice[];
}

export async function loadVoicePrompt(file: string, sampleRate: number): Promise<VoicePrompt> {
  const name = path.basename(file);
  const bad = (why: string) => new EngineError('BAD_RECORDING', `${name} ${why}`);
  let wav: WavAudio;
  try {
    wav = await readWavStart(file, MAX_SECONDS);
  } catch (e) {
    if (e instanceof WavFormatError) throw bad(e.message);
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw bad('does not exist');
    if (code === 'EISDIR') throw bad('is a folder, not a recording');
    throw e;
  }
  const { format, totalFrames, samples } = wav;
  const fullSeconds = totalFrames / format.sampleRate;
  if (totalFrames === 0) throw bad('contains no audio');
  if (fullSeconds < MIN_SECONDS) throw bad(`is only ${seconds1(fullSeconds)} long: a voice needs at least ${MIN_SECONDS} s, and ${WEAK_SECONDS} s or more sounds like the speaker`);

  let peak = 0;
  let clipped = 0;
  for (const s of samples) {
    if (!Number.isFinite(s)) throw bad('contains invalid samples (not-a-number or infinite values)');
    const a = Math.abs(s);
    if (a > peak) peak = a;
    if (a >= CLIP_LEVEL) clipped++;
  }
  const frames = samples.length / format.channels;
  const seconds = frames / format.sampleRate;
  if (peak < SILENT_PEAK) throw bad(`is silent${frames < totalFrames ? ` in its first ${MAX_SECONDS} s` : ''}: check that the microphone was on and not muted`);
  const notices: VoiceNotice[] = [];
  if (frames < totalFrames) {
    notices.push({ kind: 'cut', message: `${name} is ${seconds1(fullSeconds)} long; only its first ${MAX_SECONDS} s were used, as the model takes no more.` });
  }
  if (seconds < WEAK_SECONDS) {
    notices.push({ kind: 'short', message: `${name} is only ${seconds1(seconds)} long, so the voice will sound only a little like the speaker; ${WEAK_SECONDS} s or more (ideally 10 s) works much better.` });
  }
  if (clipped / samples.length > CLIPPED_SHARE) {
    const share = ((100 * clipped) / samples.length).toFixed(1);
    notices.push({ kind: 'clipping', message: `${name} is heavily clipped (${share} % of its samples at full scale), so the voice may sound distorted; record again with a lower input level.` });
  }
  const mono = downmix(samples, format.channels);
  return { audio: await resampleMono(mono, format.sampleRate, sampleRate), seconds, notices };
}

/** The average of the channels, as Kyutai's reader does. */
function downmix(samples: Float32Array, channels: number): Float32Array {
  if (channels === 1) return samples;
  const out = new Float32Array(samples.length / channels);
  for (let f = 0; f < out.length; f++) {
    let sum = 0;
    for (let c = 0; c < channels; c++) sum += samples[f * channels + c]!;
    out[f] = sum / channels;
  }
  return out;
}

function seconds1(s: number): string {
  return `${s < 10 ? s.toFixed(1) : Math.round(s)} s`;
}
