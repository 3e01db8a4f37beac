/** Messages between the engine worker and its Mimi decoder thread. */
import type { StateEntry } from '../modelFiles';

export type DecoderRequest =
  | { type: 'init'; file: string; manifest: StateEntry[]; latentDim: number; threads: number }
  | { type: 'start'; dec: number }
  | { type: 'decode'; dec: number; call: number; latents: Float32Array; frames: number }
  | { type: 'release'; dec: number }
  | { type: 'close' };

export type DecoderReply =
  | { type: 'ready' }
  | { type: 'pcm'; call: number; pcm: Float32Array; ms: number }
  | { type: 'failed'; call: number; code: string; message: string }
  | { type: 'closed' };
