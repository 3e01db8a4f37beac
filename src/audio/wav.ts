// 16-bit mono PCM WAV: encoding, a streaming file writer that never overwrites, and a small reader for tests.
import { promises as fsp } from 'node:fs';
import path from 'node:path';

export const DEFAULT_SAMPLE_RATE = 24000;

/** Float32 [-1, 1] → Int16, clamped, scaled by 32767 and truncated toward zero (as the reference CLI does). */
export function floatToInt16(pcm: Float32Array): Int16Array {
  const out = new Int16Array(pcm.length);
  for (let i = 0; i < pcm.length; i++) {
    const v = pcm[i]!;
    out[i] = Math.trunc((v > 1 ? 1 : v < -1 ? -1 : v || 0) * 32767); // `|| 0` maps NaN to silence
  }
  return out;
}

/** Little-endian s16 bytes, the format the stdin players read. */
export function floatToS16leBuffer(pcm: Float32Array): Buffer {
  const s = floatToInt16(pcm);
  const buf = Buffer.alloc(s.length * 2);
  for (let i = 0; i < s.length; i++) buf.writeInt16LE(s[i]!, i * 2);
  return buf;
}

export function wavHeader(dataBytes: number, sampleRate = DEFAULT_SAMPLE_RATE): Buffer {
  const h = Buffer.alloc(44);
  h.write('RIFF', 0, 'ascii');
  h.writeUInt32LE(36 + dataBytes, 4);
  h.write('WAVE', 8, 'ascii');
  h.write('fmt ', 12, 'ascii');
  h.writeUInt32LE(16, 16); // PCM fmt chunk size
  h.writeUInt16LE(1, 20); // PCM
  h.writeUInt16LE(1, 22); // mono
  h.writeUInt32LE(sampleRate, 24);
  h.writeUInt32LE(sampleRate * 2, 28); // byte rate
  h.writeUInt16LE(2, 32); // block align
  h.writeUInt16LE(16, 34); // bits per sample
  h.write('data', 36, 'ascii');
  h.writeUInt32LE(dataBytes, 40);
  return h;
}

export function encodeWav(pcm: Float32Array, sampleRate = DEFAULT_SAMPLE_RATE): Buffer {
  const data = floatToS16leBuffer(pcm);
  return Buffer.concat([wavHeader(data.length, sampleRate), data]);
}

/**
 * Create `dir/base.ext`, else `base-2.ext`, `base-3.ext`, … with exclusive create (`wx`), so two writers racing for
 * the same name can never clobber each other or an existing file. Returns the open handle and its path.
 */
export async function openFreeFile(dir: string, base: string, ext: string): Promise<{ path: string; handle: fsp.FileHandle }> {
  return (await openFreeFiles(dir, base, [ext]))[0]!;
}

/**
 * Like openFreeFile for files that belong together (`notes.wav` + `notes.vtt`): the first suffix free for every
 * extension, all created exclusively, so none of them replaces an existing file.
 */
export async function openFreeFiles(dir: string, base: string, exts: readonly string[]): Promise<{ path: string; handle: fsp.FileHandle }[]> {
  for (let n = 1; n < 100000; n++) {
    const opened: { path: string; handle: fsp.FileHandle }[] = [];
    try {
      for (const ext of exts) {
        const dot = ext.startsWith('.') || ext === '' ? ext : `.${ext}`;
        const file = path.join(dir, n === 1 ? `${base}${dot}` : `${base}-${n}${dot}`);
        opened.push({ path: file, handle: await fsp.open(file, 'wx') });
      }
      return opened;
    } catch (err) {
      // Give back what this suffix got before trying the next one.
      await Promise.all(opened.map(async (f) => (await f.handle.close(), await fsp.rm(f.path, { force: true }))));
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
  throw new Error(`no free file name for ${base} in ${dir}`);
}

/** Reserve (create empty) the first free `base[-n].ext` in `dir` and return its path. */
export async function nextFreePath(dir: string, base: string, ext: string): Promise<string> {
  const { path: file, handle } = await openFreeFile(dir, base, ext);
  await handle.close();
  return file;
}

/** Streams chunks to a new WAV file; the header's sizes are patched on close(). */
export class WavFileWriter {
  private samples = 0;
  private chain: Promise<void> = Promise.resolve();
  private closed = false;

  private constructor(readonly path: string, private readonly handle: fsp.FileHandle, readonly sampleRate: number) {}

  /** Opens `dir/base.wav` (or the next free `base-n.wav`) and writes a provisional header. */
  static async create(dir: string, base: string, sampleRate = DEFAULT_SAMPLE_RATE): Promise<WavFileWriter> {
    return WavFileWriter.open(await openFreeFile(dir, base, '.wav'), sampleRate);
  }

  /** Writes into a file already created (see openFreeFiles). */
  static async open(file: { path: string; handle: fsp.FileHandle }, sampleRate = DEFAULT_SAMPLE_RATE): Promise<WavFileWriter> {
    await file.handle.write(wavHeader(0, sampleRate), 0, 44, 0);
    return new WavFileWriter(file.path, file.handle, sampleRate);
  }

  /** Opens exactly `file` (the CLI's --out); refuses to replace an existing file unless `overwrite`. */
  static async createAt(file: string, sampleRate = DEFAULT_SAMPLE_RATE, overwrite = false): Promise<WavFileWriter> {
    const handle = await fsp.open(file, overwrite ? 'w' : 'wx');
    await handle.write(wavHeader(0, sampleRate), 0, 44, 0);
    return new WavFileWriter(file, handle, sampleRate);
  }

  get samplesWritten(): number {
    return this.samples;
  }

  /** Appends a chunk. Writes are serialized, so callers may fire several without awaiting. */
  write(pcm: Float32Array): Promise<void> {
    if (this.closed) return Promise.reject(new Error('WavFileWriter is closed'));
    const data = floatToS16leBuffer(pcm);
    const offset = 44 + this.samples * 2;
    this.samples += pcm.length;
    this.chain = this.chain.then(async () => {
      await this.handle.write(data, 0, data.length, offset);
    });
    return this.chain;
  }

  /** Patches the RIFF and data sizes and closes the file. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return this.chain;
    this.closed = true;
    try {
      await this.chain;
      await this.handle.write(wavHeader(this.samples * 2, this.sampleRate), 0, 44, 0);
    } finally {
      await this.handle.close();
    }
  }
}

export interface DecodedWav {
  sampleRate: number;
  channels: number;
  bitsPerSample: number;
  /** Interleaved s16 samples. */
  int16: Int16Array;
  /** int16 / 32767, the inverse of floatToInt16 up to truncation. */
  float: Float32Array;
}

/** Minimal RIFF reader (16-bit PCM only), meant for tests and sanity checks. */
export function decodeWav(buf: Buffer): DecodedWav {
  if (buf.toString('ascii', 0, 4) !== 'RIFF' || buf.toString('ascii', 8, 12) !== 'WAVE') throw new Error('not a RIFF/WAVE file');
  let fmt: { channels: number; sampleRate: number; bits: number; format: number } | undefined;
  for (let p = 12; p + 8 <= buf.length; ) {
    const id = buf.toString('ascii', p, p + 4);
    const size = buf.readUInt32LE(p + 4);
    const body = p + 8;
    if (id === 'fmt ') {
      fmt = { format: buf.readUInt16LE(body), channels: buf.readUInt16LE(body + 2), sampleRate: buf.readUInt32LE(body + 4), bits: buf.readUInt16LE(body + 14) };
    } else if (id === 'data') {
      if (!fmt || fmt.format !== 1 || fmt.bits !== 16) throw new Error('only 16-bit PCM WAV is supported');
      const n = Math.floor(Math.min(size, buf.length - body) / 2);
      const int16 = new Int16Array(n);
      for (let i = 0; i < n; i++) int16[i] = buf.readInt16LE(body + i * 2);
      const float = Float32Array.from(int16, (s) => s / 32767);
      return { sampleRate: fmt.sampleRate, channels: fmt.channels, bitsPerSample: fmt.bits, int16, float };
    }
    p = body + size + (size & 1); // chunks are word-aligned
  }
  throw new Error('no data chunk');
}

export async function readWavFile(file: string): Promise<DecodedWav> {
  return decodeWav(await fsp.readFile(file));
}
