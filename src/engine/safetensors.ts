/** Minimal safetensors reader and writer: an 8-byte header length, a JSON header, then raw little-endian tensors. */
import { readFile } from 'node:fs/promises';
import { EngineError } from '../shared/errors';
import { headerLength, parseHeader } from '../shared/safetensorsHeader';

export interface RawTensor {
  dtype: string;
  shape: number[];
  /** A view over the file bytes; copy before mutating. */
  bytes: Uint8Array;
}

export async function readSafetensors(path: string): Promise<Map<string, RawTensor>> {
  const buf = await readFile(path);
  const len = headerLength(buf, buf.length, path);
  const { dataStart, tensors } = parseHeader(buf.subarray(8, 8 + len), buf.length, path);
  const out = new Map<string, RawTensor>();
  for (const [name, t] of tensors) {
    const [a, b] = t.data_offsets;
    out.set(name, { dtype: t.dtype, shape: t.shape, bytes: buf.subarray(dataStart + a, dataStart + b) });
  }
  return out;
}

/** Copies a tensor's bytes into a fresh, aligned typed array. */
export function toFloat32(t: RawTensor): Float32Array {
  if (t.dtype !== 'F32') throw new EngineError('MODEL_CORRUPT', `expected F32 tensor, got ${t.dtype}`);
  const out = new Float32Array(t.bytes.byteLength / 4);
  new Uint8Array(out.buffer).set(t.bytes);
  return out;
}

export function toBigInt64(t: RawTensor): BigInt64Array {
  if (t.dtype !== 'I64') throw new EngineError('MODEL_CORRUPT', `expected I64 tensor, got ${t.dtype}`);
  const out = new BigInt64Array(t.bytes.byteLength / 8);
  new Uint8Array(out.buffer).set(t.bytes);
  return out;
}

/**
 * A safetensors file's bytes: keys sorted and the header padded to 8 bytes, as the reference writer does, so every
 * tensor starts aligned. String `metadata` goes into the header's `__metadata__`, which loaders ignore.
 */
export function encodeSafetensors(tensors: Map<string, RawTensor>, metadata?: Record<string, string>): Uint8Array {
  const header: Record<string, unknown> = {};
  if (metadata && Object.keys(metadata).length > 0) header.__metadata__ = metadata;
  const names = [...tensors.keys()].sort();
  let offset = 0;
  for (const name of names) {
    const t = tensors.get(name)!;
    header[name] = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + t.bytes.byteLength] };
    offset += t.bytes.byteLength;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - (Buffer.byteLength(json) % 8)) % 8);
  const headerBytes = Buffer.from(json, 'utf8');
  const out = new Uint8Array(8 + headerBytes.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  let at = 8 + headerBytes.length;
  for (const name of names) {
    const bytes = tensors.get(name)!.bytes;
    out.set(bytes, at);
    at += bytes.byteLength;
  }
  return out;
}
