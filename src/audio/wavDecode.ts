/**
 * WAV decoding for recordings: integer PCM (16, 24, 32 bit), IEEE float (32, 64 bit), plain or
 * WAVE_FORMAT_EXTENSIBLE, any rate and channel count. Reads only as much of a file as a caller needs, so picking
 * an hour-long recording costs the same as a 30-second one.
 */
import { open } from 'node:fs/promises';

/** The file is not a WAV this decoder can use; the message says why in plain words. */
export class WavFormatError extends Error {
  override name = 'WavFormatError';
}

export interface WavFormat {
  sampleRate: number;
  channels: number;
  encoding: 'int' | 'float';
  bitsPerSample: number;
  /** Bytes per frame (one sample of every channel). */
  blockAlign: number;
}

export interface WavLayout {
  format: WavFormat;
  /** Byte offset of the first sample. */
  dataOffset: number;
  /** Bytes of sample data actually present (a header promising more than the file holds is trusted no further). */
  dataBytes: number;
}

export interface WavAudio {
  format: WavFormat;
  /** Frames the file holds, whether or not all were decoded. */
  totalFrames: number;
  /** Interleaved samples, integers scaled to [-1, 1); float files as stored. */
  samples: Float32Array;
}

const PCM = 1;
const IEEE_FLOAT = 3;
const EXTENSIBLE = 0xfffe;
/** Formats people meet in the wild that are compressed, by format tag. */
const COMPRESSED: Record<number, string> = {
  2: 'Microsoft ADPCM',
  6: 'A-law',
  7: 'μ-law',
  0x11: 'IMA ADPCM',
  0x31: 'GSM 6.10',
  0x50: 'MPEG',
  0x55: 'MP3',
  0xff: 'AAC',
};
const EXPORT_HINT = 'export it as 16- or 24-bit PCM WAV';

/** Finds the format and the sample data in `head` (the file's start; the data may run past it). */
export function scanWav(head: Uint8Array, fileSize = head.length): WavLayout {
  const buf = Buffer.from(head.buffer, head.byteOffset, head.byteLength);
  if (fileSize === 0) throw new WavFormatError('is empty (0 bytes)');
  if (buf.length < 12 || buf.toString('latin1', 0, 4) !== 'RIFF' || buf.toString('latin1', 8, 12) !== 'WAVE') {
    throw new WavFormatError(`is not a WAV file (no RIFF/WAVE header)`);
  }
  let format: WavFormat | undefined;
  let p = 12;
  while (p + 8 <= buf.length) {
    const id = buf.toString('latin1', p, p + 4);
    const size = buf.readUInt32LE(p + 4);
    const body = p + 8;
    if (id === 'fmt ') format = parseFormat(buf.subarray(body, Math.min(buf.length, body + size)));
    else if (id === 'data') {
      if (!format) throw new WavFormatError('is damaged: its audio data comes before the format description');
      // Recorders that were stopped abruptly leave 0 or 0xFFFFFFFF as the size: the rest of the file is the data.
      const declared = size === 0 || size === 0xffffffff ? Infinity : size;
      return { format, dataOffset: body, dataBytes: Math.max(0, Math.min(declared, fileSize - body)) };
    }
    p = body + size + (size & 1); // chunks are word-aligned
  }
  if (p + 8 <= fileSize) throw new WavFormatError(`has more than ${buf.length >> 20} MB of other data before its audio: ${EXPORT_HINT} without metadata`);
  throw new WavFormatError(format ? 'contains no audio data' : 'is damaged: it has no format description');
}

function parseFormat(b: Buffer): WavFormat {
  if (b.length < 16) throw new WavFormatError('is damaged: its format description is cut short');
  let tag = b.readUInt16LE(0);
  const channels = b.readUInt16LE(2);
  const sampleRate = b.readUInt32LE(4);
  const blockAlign = b.readUInt16LE(12);
  const bitsPerSample = b.readUInt16LE(14);
  // The extensible header names the real format in the first two bytes of its sub-format GUID.
  if (tag === EXTENSIBLE && b.length >= 26) tag = b.readUInt16LE(24);
  if (COMPRESSED[tag]) throw new WavFormatError(`is compressed (${COMPRESSED[tag]}), which is not supported: ${EXPORT_HINT}`);
  if (tag !== PCM && tag !== IEEE_FLOAT) throw new WavFormatError(`uses an unsupported encoding (format tag 0x${tag.toString(16)}): ${EXPORT_HINT}`);
  if (channels < 1 || sampleRate < 1) throw new WavFormatError('is damaged: it declares no channels or no sample rate');
  const encoding = tag === IEEE_FLOAT ? 'float' : 'int';
  if (encoding === 'int' && bitsPerSample === 8) throw new WavFormatError(`is 8-bit audio, too coarse for a voice: ${EXPORT_HINT}`);
  const supported = encoding === 'int' ? [16, 24, 32] : [32, 64];
  if (!supported.includes(bitsPerSample)) throw new WavFormatError(`has ${bitsPerSample}-bit ${encoding === 'int' ? 'integer' : 'float'} samples, which are not supported: ${EXPORT_HINT}`);
  if (blockAlign !== channels * (bitsPerSample / 8)) throw new WavFormatError('is damaged: its block size does not match its channels and sample size');
  return { sampleRate, channels, encoding, bitsPerSample, blockAlign };
}

/** Decodes whole frames of `bytes` (interleaved, little-endian) to floats. */
export function decodeSamples(bytes: Uint8Array, format: WavFormat): Float32Array {
  const frames = Math.floor(bytes.length / format.blockAlign);
  const n = frames * format.channels;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float32Array(n);
  const width = format.bitsPerSample / 8;
  for (let i = 0, o = 0; i < n; i++, o += width) {
    if (format.encoding === 'float') out[i] = width === 4 ? view.getFloat32(o, true) : view.getFloat64(o, true);
    else if (width === 2) out[i] = view.getInt16(o, true) / 0x8000;
    else if (width === 3) out[i] = ((view.getUint8(o) | (view.getUint8(o + 1) << 8) | (view.getInt8(o + 2) << 16)) / 0x800000);
    else out[i] = view.getInt32(o, true) / 0x80000000;
  }
  return out;
}

/** A whole WAV held in memory. */
export function decodeWavBytes(buf: Uint8Array): WavAudio {
  const { format, dataOffset, dataBytes } = scanWav(buf);
  return { format, totalFrames: Math.floor(dataBytes / format.blockAlign), samples: decodeSamples(buf.subarray(dataOffset, dataOffset + dataBytes), format) };
}

/** Room for the chunks that precede the samples (format, metadata, cover art is rarely bigger). */
const HEAD_BYTES = 1 << 20;

/** Decodes at most `maxSeconds` from the start of a WAV file, reading no more of it than that. */
export async function readWavStart(file: string, maxSeconds: number): Promise<WavAudio> {
  const fh = await open(file, 'r');
  try {
    const size = (await fh.stat()).size;
    const head = Buffer.alloc(Math.min(size, HEAD_BYTES));
    await fh.read(head, 0, head.length, 0);
    const { format, dataOffset, dataBytes } = scanWav(head, size);
    const totalFrames = Math.floor(dataBytes / format.blockAlign);
    const frames = Math.min(totalFrames, Math.ceil(maxSeconds * format.sampleRate));
    const data = Buffer.alloc(frames * format.blockAlign);
    await fh.read(data, 0, data.length, dataOffset);
    return { format, totalFrames, samples: decodeSamples(data, format) };
  } finally {
    await fh.close();
  }
}
