/**
 * Re-introduces the CoreML port's trial-log bugs (shared/seed/pocket-tts-coreml-trial-log.md) around a
 * correct CoreMLBackend, so tests can prove the parity check catches each one:
 *  1 s_zero        flow decoder start time hardcoded to 0 instead of i/N
 *  2 t_off_by_one  flow decoder end time given the start value i/N instead of (i+1)/N
 *  3 zero_padded   text conditioning zero-padded to a fixed length through cond_step
 *  5 text_first    text conditioning before the voice (voice fed as its prompt rows after the text)
 * (Bug 4, an attention implementation that differs from the step model's, lives inside the converted
 * models; the parity tests of the models themselves cover it.)
 */
import path from 'node:path';
import type { Backend, Sequence, VoiceRef, VoiceState } from '../../src/engine/backend';
import type { CoreMLBackend } from '../../src/engine/backends/coreml';
import { readF32 } from '../../src/engine/backends/coremlConstants';

export type SeedBug = 's_zero' | 't_off_by_one' | 'zero_padded' | 'text_first';
export const SEED_BUGS: readonly SeedBug[] = ['s_zero', 't_off_by_one', 'zero_padded', 'text_first'];

/** Trial 6's fixed conditioning length, scaled to the tiny model. */
export const PADDED_TEXT_LENGTH = 64;

export function withSeedBug(b: CoreMLBackend, bug: SeedBug): Backend {
  const d = b.info.conditioningDim;
  switch (bug) {
    case 's_zero':
      return Object.create(b, { flow: { value: (c: Float32Array, _s: number, t: number, x: Float32Array) => b.flow(c, 0, t, x) } });
    case 't_off_by_one':
      return Object.create(b, { flow: { value: (c: Float32Array, s: number, _t: number, x: Float32Array) => b.flow(c, s, s, x) } });
    case 'zero_padded':
      return Object.create(b, {
        prefillText: {
          value: async (seq: Sequence, ids: readonly number[]) => {
            const rows = new Float32Array(Math.max(PADDED_TEXT_LENGTH, ids.length) * d); // zeros after the text
            rows.set(b.embedTokens(ids));
            await b.prefillConditioning(seq, rows, rows.length / d);
          },
        },
      });
    case 'text_first': {
      // The voice is held back as its conditioning rows and fed after the text, from empty caches.
      let voiceRows: Float32Array = new Float32Array(0);
      return Object.create(b, {
        prefillVoice: {
          value: async (v: VoiceRef) => {
            const name = v.kind === 'builtin' ? v.name : path.basename(v.path, '.safetensors');
            voiceRows = readF32(path.join(b.files.constantsDir, `${name}_audio_prompt.bin`), 'voice prompt rows');
            return b.prefillVoiceRows(new Float32Array(0), 0);
          },
        },
        prefillText: {
          value: async (seq: Sequence, ids: readonly number[]) => {
            await b.prefillConditioning(seq, b.embedTokens(ids), ids.length);
            await b.prefillConditioning(seq, voiceRows, voiceRows.length / d);
          },
        },
        startSequence: { value: (v: VoiceState, n: number) => b.startSequence(v, n) },
      });
    }
  }
}
