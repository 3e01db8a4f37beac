/**
 * The safetensors header (8-byte little-endian length, then JSON naming each tensor's dtype, shape and byte range),
 * parsed and checked against the file size. The engine reads tensors through it; the host reads only the header to
 * vet a voice file cheaply, without loading it.
 */
import { open } from 'node:fs/promises';
import { EngineError } from './errors';

export interface TensorEntry {
  dtype: string;
  shape: number[];
  /** Byte range relative to the end of the header. */
  data_offsets: [number, number];
}

export interface SafetensorsHeader {
  /** Where tensor data starts: 8 + header length. */
  dataStart: number;
  tensors: Map<string, TensorEntry>;
}

/** Headers are a few kB; anything near this is not a safetensors file. */
const MAX_HEADER = 100 << 20;

/** Length of the JSON header from the first 8 bytes; throws when they cannot start a file of `fileSize` bytes. */
export function headerLength(first8: Uint8Array, fileSize: number, label: string): number {
  if (first8.length < 8 || fileSize < 8) throw new EngineError('MODEL_CORRUPT', `${label} is not a safetensors file (too short)`);
  const len = Number(Buffer.from(first8.buffer, first8.byteOffset, 8).readBigUInt64LE(0));
  if (len <= 0 || len > MAX_HEADER || 8 + len > fileSize) throw new EngineError('MODEL_CORRUPT', `${label} is not a safetensors file (bad header length)`);
  return len;
}

/** Parses the JSON header bytes; every tensor must lie inside a file of `fileSize` bytes. */
export function parseHeader(json: Uint8Array, fileSize: number, label: string): SafetensorsHeader {
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(Buffer.from(json.buffer, json.byteOffset, json.byteLength).toString('utf8')) as Record<string, unknown>;
  } catch {
    throw new EngineError('MODEL_CORRUPT', `${label} has an unreadable safetensors header`);
  }
  const dataStart = 8 + json.byteLength;
  const tensors = new Map<string, TensorEntry>();
  for (const [name, t] of Object.entries(raw ?? {})) {
    if (name === '__metadata__') continue;
    const e = t as Partial<TensorEntry> | null;
    const [a, b] = Array.isArray(e?.data_offsets) ? e.data_offsets : [NaN, NaN];
    if (typeof e?.dtype !== 'string' || !Array.isArray(e.shape) || !(Number.isSafeInteger(a) && Number.isSafeInteger(b) && a >= 0 && b >= a)) {
      throw new EngineError('MODEL_CORRUPT', `${label} has a malformed entry for tensor ${name}`);
    }
    if (dataStart + b > fileSize) throw new EngineError('MODEL_CORRUPT', `${label} is truncated (tensor ${name})`);
    tensors.set(name, e as TensorEntry);
  }
  return { dataStart, tensors };
}

/** Reads and checks only the header of `file` (a few kB, whatever the file's size). */
export async function readSafetensorsHeader(file: string): Promise<SafetensorsHeader> {
  const fh = await open(file, 'r');
  try {
    const { size } = await fh.stat();
    const first = new Uint8Array(8);
    await fh.read(first, 0, 8, 0);
    const len = headerLength(first, size, file);
    const json = new Uint8Array(len);
    await fh.read(json, 0, len, 8);
    return parseHeader(json, size, file);
  } finally {
    await fh.close();
  }
}
