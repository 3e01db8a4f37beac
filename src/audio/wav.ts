// 16-bit mono PCM WAV: encoding, a streaming file writer that never overwrites or leaves half a file, and a small
// reader for tests.
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { checkTarget, firstFreeName, PartialFile } from './partialFile';
import { decodeWavBytes } from './wavDecode';

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
 * Streams chunks into a new WAV file. The audio goes to a temp file in the target folder (see PartialFile); commit()
 * patches the header and moves it into place, discard() removes it, so no half-written WAV ever has the real name.
 */
export class WavFileWriter {
  private samples = 0;
  private chain: Promise<void> = Promise.resolve();
  private closed = false;
  private finalPath: string | undefined;

  private constructor(
    private readonly file: PartialFile,
    private readonly commitTo: (f: PartialFile) => Promise<string>,
    readonly sampleRate: number,
    /** The intended name (the final one may get a `-n` suffix if the name is taken by then). */
    readonly intendedPath: string,
  ) {}

  /**
   * For `dir/base.wav`, or the next free `base-n.wav` at commit time; never overwrites. Files written `alongside`
   * (captions) are committed with it under the same suffix, the first free for all of them.
   */
  static async create(dir: string, base: string, sampleRate = DEFAULT_SAMPLE_RATE, alongside: readonly { file: PartialFile; ext: string }[] = []): Promise<WavFileWriter> {
    const intended = await firstFreeName(dir, base, '.wav');
    const commit = async (f: PartialFile) => (await PartialFile.commitFreeGroup(dir, base, [{ file: f, ext: '.wav' }, ...alongside]))[0]!;
    return WavFileWriter.open(dir, path.basename(intended), commit, sampleRate, intended);
  }

  /** For exactly `file` (the CLI's --out); refuses an existing file unless `overwrite`, and a directory always. */
  static async createAt(file: string, sampleRate = DEFAULT_SAMPLE_RATE, overwrite = false): Promise<WavFileWriter> {
    await checkTarget(file, overwrite, 'speech.wav');
    return WavFileWriter.open(path.dirname(file), path.basename(file), (f) => f.commitAt(file, overwrite), sampleRate, file);
  }

  private static async open(dir: string, name: string, commitTo: (f: PartialFile) => Promise<string>, sampleRate: number, intended: string): Promise<WavFileWriter> {
    const file = await PartialFile.open(dir, name);
    await file.handle.write(wavHeader(0, sampleRate), 0, 44, 0);
    return new WavFileWriter(file, commitTo, sampleRate, intended);
  }

  get samplesWritten(): number {
    return this.samples;
  }

  /** The file's final path once committed. */
  get path(): string {
    return this.finalPath ?? this.intendedPath;
  }

  /** Appends a chunk. Writes are serialized, so callers may fire several without awaiting. */
  write(pcm: Float32Array): Promise<void> {
    if (this.closed) return Promise.reject(new Error('WavFileWriter is closed'));
    const data = floatToS16leBuffer(pcm);
    const offset = 44 + this.samples * 2;
    this.samples += pcm.length;
    this.chain = this.chain.then(async () => {
      await this.file.handle.write(data, 0, data.length, offset);
    });
    return this.chain;
  }

  /** Patches the RIFF and data sizes and moves the file into place; returns its final path. */
  async commit(): Promise<string> {
    if (this.closed) throw new Error('WavFileWriter is closed');
    this.closed = true;
    try {
      await this.chain;
      await this.file.handle.write(wavHeader(this.samples * 2, this.sampleRate), 0, 44, 0);
      this.finalPath = await this.commitTo(this.file);
      return this.finalPath;
    } catch (err) {
      await this.file.discard();
      throw err;
    }
  }

  /** Drops the audio: nothing is left behind. Idempotent, and a no-op after commit(). */
  async discard(): Promise<void> {
    if (this.finalPath) return;
    this.closed = true;
    await this.chain.catch(() => undefined);
    await this.file.discard();
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

/** 16-bit PCM only (what this project writes), meant for tests and sanity checks. */
export function decodeWav(buf: Buffer): DecodedWav {
  const { format, samples } = decodeWavBytes(buf);
  if (format.encoding !== 'int' || format.bitsPerSample !== 16) throw new Error('only 16-bit PCM WAV is supported');
  const int16 = Int16Array.from(samples, (s) => Math.round(s * 0x8000));
  const float = Float32Array.from(int16, (s) => s / 32767);
  return { sampleRate: format.sampleRate, channels: format.channels, bitsPerSample: 16, int16, float };
}

export async function readWavFile(file: string): Promise<DecodedWav> {
  return decodeWav(await fsp.readFile(file));
}
