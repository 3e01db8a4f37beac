/** Reads reference outputs in the tiny-parity golden layout (also used by our own generator). */
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import path from 'node:path';
import { readNpy } from '../../src/engine/npy';

export interface GoldenChunk {
  text: string;
  token_ids: number[];
  frames_after_eos: number;
  max_gen_len: number;
  frames_emitted?: number;
  first_eos_step?: number | null;
}

export interface Golden {
  name: string;
  dir: string;
  text: string;
  chunks: GoldenChunk[];
  totalFrames: number;
  lsdSteps: number;
  pcm: Float32Array;
  latents: Float32Array;
  chunkEos(i: number): Float32Array;
  chunkLatents(i: number): Float32Array;
}

export function readGoldens(dir: string): Golden[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && existsSync(path.join(dir, e.name, 'info.json')))
    .map((e) => readGolden(path.join(dir, e.name)));
}

export function readGolden(dir: string): Golden {
  const info = JSON.parse(readFileSync(path.join(dir, 'info.json'), 'utf8'));
  const lsd = info.params?.lsd_decode_steps ?? 1;
  return {
    name: path.basename(dir),
    dir,
    text: info.text,
    chunks: info.chunks,
    totalFrames: info.total_frames,
    lsdSteps: typeof lsd === 'number' ? lsd : 1,
    pcm: readNpy(path.join(dir, 'pcm.npy')).data as Float32Array,
    latents: readNpy(path.join(dir, 'latents.npy')).data as Float32Array,
    chunkEos: (i) => readNpy(path.join(dir, `chunk${i}_eos_logits.npy`)).data as Float32Array,
    chunkLatents: (i) => readNpy(path.join(dir, `chunk${i}_latents.npy`)).data as Float32Array,
  };
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}
