/** Builds ONNX state tensors from a bundle manifest: the generic fills, and voice KV states from safetensors. */
import * as ort from 'onnxruntime-node';
import { EngineError } from '../../shared/errors';
import type { StateEntry } from '../modelFiles';
import type { RawTensor } from '../safetensors';
import { toBigInt64 } from '../safetensors';

export function filledTensor(e: StateEntry): ort.Tensor {
  const size = e.shape.reduce((a, b) => a * b, 1);
  switch (e.dtype) {
    case 'float32': {
      const data = new Float32Array(size);
      if (e.fill === 'nan') data.fill(NaN);
      else if (e.fill === 'ones') data.fill(1);
      return new ort.Tensor('float32', data, e.shape);
    }
    case 'int64': {
      const data = new BigInt64Array(size);
      if (e.fill === 'ones') data.fill(1n);
      return new ort.Tensor('int64', data, e.shape);
    }
    case 'bool': {
      const data = new Uint8Array(size);
      if (e.fill === 'ones') data.fill(1);
      return new ort.Tensor('bool', data, e.shape);
    }
    default:
      throw new EngineError('MODEL_CORRUPT', `state ${e.path}: unsupported dtype ${String(e.dtype)}`);
  }
}

/** The position counter of a saved voice state: `step`, or `offset` in Kyutai's files. */
function storedStep(e: StateEntry, stored: Map<string, RawTensor>, voiceName: string): bigint {
  const t = stored.get(`${e.module}/step`) ?? stored.get(`${e.module}/offset`);
  if (!t) throw new EngineError('UNKNOWN_VOICE', `voice ${voiceName} has no ${e.module}/offset: not a state for this model`);
  return toBigInt64(t)[0];
}

function storedCache(e: StateEntry, stored: Map<string, RawTensor>, voiceName: string, capacity: number): RawTensor {
  const t = stored.get(e.path);
  if (!t) throw new EngineError('UNKNOWN_VOICE', `voice ${voiceName} has no ${e.path}: not a state for this model`);
  if (t.dtype !== 'F32') throw new EngineError('MODEL_CORRUPT', `voice ${voiceName}: ${e.path} is ${t.dtype}, expected F32`);
  const src = t.shape;
  const sameTail = src.length === e.shape.length && src.every((d, i) => i === 2 || d === e.shape[i]);
  if (!sameTail) {
    throw new EngineError(
      'UNKNOWN_VOICE',
      `voice ${voiceName}: ${e.path} has shape [${src}] but this model needs [${e.shape}] (the voice belongs to another model)`,
    );
  }
  if (src[2] >= capacity) throw new EngineError('UNKNOWN_VOICE', `voice ${voiceName} is too long for this model (${src[2]} positions)`);
  return t;
}

/**
 * Checks a saved voice state against the manifest without building tensors; returns the positions it fills
 * (its step counter, the same in every layer).
 */
export function checkVoiceState(entries: readonly StateEntry[], stored: Map<string, RawTensor>, voiceName: string, capacity: number): number {
  let positions = -1;
  for (const e of entries) {
    if (e.key === 'cache') storedCache(e, stored, voiceName, capacity);
    if (e.key !== 'step') continue;
    const p = Number(storedStep(e, stored, voiceName));
    if (positions >= 0 && p !== positions) throw new EngineError('MODEL_CORRUPT', `voice ${voiceName}: layers disagree on offset`);
    positions = p;
  }
  if (positions < 0) throw new EngineError('UNKNOWN_VOICE', `voice ${voiceName} has no position counter`);
  return positions;
}

/**
 * A saved voice state ("module/key" tensors, caches holding exactly T_v positions) laid into a state of
 * `capacity` positions: caches padded along the sequence axis with the manifest fill, the step counter
 * taken from `step` or `offset`.
 */
export function voiceStateTensors(
  entries: readonly StateEntry[],
  stored: Map<string, RawTensor>,
  voiceName: string,
  capacity: number,
): ort.Tensor[] {
  checkVoiceState(entries, stored, voiceName, capacity);
  return entries.map((e) => {
    if (e.key === 'step') {
      const size = e.shape.reduce((a, b) => a * b, 1);
      return new ort.Tensor('int64', new BigInt64Array(size).fill(storedStep(e, stored, voiceName)), e.shape);
    }
    if (e.key === 'cache') return padCache(e, stored.get(e.path)!, capacity);
    return filledTensor(e);
  });
}

function padCache(e: StateEntry, t: RawTensor, capacity: number): ort.Tensor {
  const target = [...e.shape];
  target[2] = capacity;
  const out = new Float32Array(target.reduce((a, b) => a * b, 1));
  out.fill(e.fill === 'nan' ? NaN : 0);
  // Copy the stored bytes straight into place, one [positions, heads, dim] block per K/V plane.
  const bytes = new Uint8Array(out.buffer);
  const outer = target[0] * target[1];
  const rowBytes = target[3] * target[4] * 4;
  const srcLen = t.shape[2];
  for (let o = 0; o < outer; o++) {
    bytes.set(t.bytes.subarray(o * srcLen * rowBytes, (o + 1) * srcLen * rowBytes), o * capacity * rowBytes);
  }
  return new ort.Tensor('float32', out, target);
}

/**
 * The inverse of voiceStateTensors: a state that holds `positions` positions, as a saved voice in Kyutai's layout
 * (per layer `module/cache` holding exactly those positions and `module/offset`; nothing else).
 */
export function savedVoiceFromState(entries: readonly StateEntry[], tensors: readonly ort.Tensor[], positions: number): Map<string, RawTensor> {
  const out = new Map<string, RawTensor>();
  entries.forEach((e, i) => {
    if (e.key === 'step') {
      out.set(`${e.module}/offset`, { dtype: 'I64', shape: [1], bytes: new Uint8Array(BigInt64Array.of(BigInt(positions)).buffer) });
    } else if (e.key === 'cache') {
      const t = tensors[i]!;
      const [planes, batch, capacity, heads, dim] = t.dims as number[];
      const rowBytes = heads! * dim! * 4;
      const src = new Uint8Array((t.data as Float32Array).buffer, (t.data as Float32Array).byteOffset, (t.data as Float32Array).byteLength);
      const bytes = new Uint8Array(planes! * batch! * positions * rowBytes);
      for (let o = 0; o < planes! * batch!; o++) {
        bytes.set(src.subarray(o * capacity! * rowBytes, (o * capacity! + positions) * rowBytes), o * positions * rowBytes);
      }
      out.set(e.path, { dtype: 'F32', shape: [planes!, batch!, positions, heads!, dim!], bytes });
    }
  });
  return out;
}
