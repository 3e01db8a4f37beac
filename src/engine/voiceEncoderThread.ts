/**
 * The voice encoder on a thread of its own, started from the engine's own bundle (like the CoreML warm-up): one
 * native run over a long recording takes seconds, and on the engine's thread it would keep the event loop from
 * answering the client's heartbeats.
 */
import { Worker, type MessagePort } from 'node:worker_threads';
import { EngineError, toErrorPayload, type ErrorCode } from '../shared/errors';
import { encodeVoice, type EncodedVoice } from './backends/onnxEncoder';

export const ENCODER_ROLE = 'voice-encoder';

export interface EncoderThreadData {
  role: typeof ENCODER_ROLE;
  dir: string;
  audio: Float32Array;
  samplesPerFrame: number;
  dim: number;
}

export type VoiceEncode = (dir: string, audio: Float32Array, samplesPerFrame: number, dim: number) => Promise<EncodedVoice>;

type Reply = ({ ok: true } & EncodedVoice) | { ok: false; code: ErrorCode; message: string };

/** Encodes on a new thread running `script` (the engine bundle), which answers once and ends. */
export function encodeInThread(script: string): VoiceEncode {
  return (dir, audio, samplesPerFrame, dim) =>
    new Promise<EncodedVoice>((resolve, reject) => {
      const data: EncoderThreadData = { role: ENCODER_ROLE, dir, audio, samplesPerFrame, dim };
      const w = new Worker(script, { workerData: data });
      w.once('message', (r: Reply) => (r.ok ? resolve({ rows: r.rows, frames: r.frames }) : reject(new EngineError(r.code, r.message))));
      w.once('error', reject);
      // After an answer this settles nothing; without one the thread died.
      w.once('exit', (code) => reject(new EngineError('INTERNAL', `the voice encoder thread stopped (exit code ${code})`)));
    });
}

export async function runEncoderThread(port: MessagePort, d: EncoderThreadData): Promise<void> {
  try {
    const r = await encodeVoice(d.dir, d.audio, d.samplesPerFrame, d.dim);
    port.postMessage({ ok: true, ...r } satisfies Reply, [r.rows.buffer as ArrayBuffer]);
  } catch (e) {
    port.postMessage({ ok: false, ...toErrorPayload(e) } satisfies Reply);
  }
}
