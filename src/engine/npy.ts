/** Reads little-endian float32 `.npy` files (bos_before_voice.npy, test goldens). */
import { readFileSync } from 'node:fs';
import { EngineError } from '../shared/errors';

export interface NpyArray {
  shape: number[];
  data: Float32Array | Int32Array | BigInt64Array;
}

export function readNpy(path: string): NpyArray {
  const buf = readFileSync(path);
  if (buf.toString('latin1', 1, 6) !== 'NUMPY') throw new EngineError('MODEL_CORRUPT', `${path} is not a .npy file`);
  const major = buf[6];
  const headerLen = major === 1 ? buf.readUInt16LE(8) : buf.readUInt32LE(8);
  const headerStart = major === 1 ? 10 : 12;
  const header = buf.toString('latin1', headerStart, headerStart + headerLen);
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1] ?? '';
  if (/'fortran_order':\s*True/.test(header)) throw new EngineError('MODEL_CORRUPT', `${path}: fortran order unsupported`);
  const shape = shapeText.split(',').map((s) => s.trim()).filter(Boolean).map(Number);
  const body = buf.subarray(headerStart + headerLen);
  const copy = new Uint8Array(body.byteLength);
  copy.set(body);
  switch (descr) {
    case '<f4':
      return { shape, data: new Float32Array(copy.buffer) };
    case '<i4':
      return { shape, data: new Int32Array(copy.buffer) };
    case '<i8':
      return { shape, data: new BigInt64Array(copy.buffer) };
    default:
      throw new EngineError('MODEL_CORRUPT', `${path}: unsupported dtype ${descr}`);
  }
}
