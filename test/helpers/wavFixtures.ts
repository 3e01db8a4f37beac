/** Writes WAV files in any layout the recording decoder meets (and some it must refuse), for tests. */
import { writeFileSync } from 'node:fs';

export interface WavSpec {
  sampleRate: number;
  channels?: number;
  /** int: 8 (unsigned), 16, 24, 32; float: 32, 64. */
  bits: number;
  encoding?: 'int' | 'float';
  /** Interleaved samples in [-1, 1]. */
  samples: Float32Array;
  /** WAVE_FORMAT_EXTENSIBLE header instead of the plain one. */
  extensible?: boolean;
  /** Overrides the format tag (e.g. 7 = μ-law) to test refusal of compressed data. */
  formatTag?: number;
}

export function wavBytes(spec: WavSpec): Buffer {
  const channels = spec.channels ?? 1;
  const encoding = spec.encoding ?? 'int';
  const width = spec.bits / 8;
  const data = Buffer.alloc(spec.samples.length * width);
  spec.samples.forEach((v, i) => {
    const o = i * width;
    const c = Math.max(-1, Math.min(1, v));
    if (encoding === 'float') {
      if (width === 4) data.writeFloatLE(v, o);
      else data.writeDoubleLE(v, o);
    } else if (width === 1) data.writeUInt8(Math.round(c * 127) + 128, o);
    else if (width === 2) data.writeInt16LE(Math.max(-32768, Math.min(32767, Math.round(c * 32768))), o);
    else if (width === 3) data.writeIntLE(Math.max(-8388608, Math.min(8388607, Math.round(c * 8388608))), o, 3);
    else data.writeInt32LE(Math.max(-2147483648, Math.min(2147483647, Math.round(c * 2147483648))), o);
  });
  const tag = spec.formatTag ?? (encoding === 'float' ? 3 : 1);
  const fmt = Buffer.alloc(spec.extensible ? 40 : 16);
  fmt.writeUInt16LE(spec.extensible ? 0xfffe : tag, 0);
  fmt.writeUInt16LE(channels, 2);
  fmt.writeUInt32LE(spec.sampleRate, 4);
  fmt.writeUInt32LE(spec.sampleRate * channels * width, 8);
  fmt.writeUInt16LE(channels * width, 12);
  fmt.writeUInt16LE(spec.bits, 14);
  if (spec.extensible) {
    fmt.writeUInt16LE(22, 16); // extension size
    fmt.writeUInt16LE(spec.bits, 18); // valid bits
    fmt.writeUInt32LE(channels === 2 ? 3 : 4, 20); // speaker mask
    fmt.writeUInt16LE(tag, 24); // sub-format GUID starts with the format tag
    Buffer.from('000000001000800000aa00389b71', 'hex').copy(fmt, 26);
  }
  const chunk = (id: string, body: Buffer) => {
    const h = Buffer.alloc(8);
    h.write(id, 0, 'latin1');
    h.writeUInt32LE(body.length, 4);
    return Buffer.concat([h, body, Buffer.alloc(body.length & 1)]);
  };
  // A LIST chunk before the data, as many recorders write, so the decoder must walk chunks.
  const body = Buffer.concat([Buffer.from('WAVE', 'latin1'), chunk('fmt ', fmt), chunk('LIST', Buffer.from('INFOISFT\x05\x00\x00\x00test\x00\x00', 'latin1')), chunk('data', data)]);
  const riff = Buffer.alloc(8);
  riff.write('RIFF', 0, 'latin1');
  riff.writeUInt32LE(body.length, 4);
  return Buffer.concat([riff, body]);
}

export function writeWav(file: string, spec: WavSpec): string {
  writeFileSync(file, wavBytes(spec));
  return file;
}

/** A speech-like test signal: a few harmonics with a slow amplitude envelope. */
export function tone(seconds: number, sampleRate: number, peak = 0.5): Float32Array {
  return Float32Array.from({ length: Math.round(seconds * sampleRate) }, (_, i) => {
    const t = i / sampleRate;
    const env = 0.6 + 0.4 * Math.sin(2 * Math.PI * 3 * t);
    return peak * env * (0.6 * Math.sin(2 * Math.PI * 180 * t) + 0.3 * Math.sin(2 * Math.PI * 360 * t) + 0.1 * Math.sin(2 * Math.PI * 900 * t));
  });
}
