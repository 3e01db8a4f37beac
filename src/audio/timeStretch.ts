// Pitch-preserving speed change (0.5–3×) with Sonic (@echogarden/sonic-wasm), which is built for speech.
//
// Loading: the package is an ESM Emscripten glue that finds sonic.wasm through `import.meta.url`. Bundled by esbuild
// into CJS, `import.meta` becomes `{}` and the glue throws (`reading 'startsWith'` of undefined), and a static import
// would inline it. So the glue is never bundled: we resolve its file at run time and load it with a native dynamic
// `import()` of its file URL, where `import.meta.url` is real and sonic.wasm is found next to it. The package
// directory (sonic.js + sonic.wasm) must therefore exist at run time: in node_modules, or copied to
// `<bundle dir>/sonic-wasm/`, or passed explicitly.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { DEFAULT_SAMPLE_RATE } from './wav';

export const MIN_SPEED = 0.5;
export const MAX_SPEED = 3;

interface SonicModule {
  HEAPF32: Float32Array;
  _malloc(bytes: number): number;
  _free(ptr: number): void;
  _sonicCreateStream(sampleRate: number, channels: number): number;
  _sonicDestroyStream(stream: number): void;
  _sonicSetSpeed(stream: number, speed: number): void;
  _sonicSetQuality(stream: number, quality: number): void;
  _sonicWriteFloatToStream(stream: number, ptr: number, samples: number): number;
  _sonicReadFloatFromStream(stream: number, ptr: number, maxSamples: number): number;
  _sonicSamplesAvailable(stream: number): number;
  _sonicFlushStream(stream: number): number;
}

const here = typeof __filename === 'string' ? __filename : path.join(process.cwd(), 'index.js');

/** Where the Sonic glue lives: explicit path, a copy next to the bundle, or node_modules. */
export function resolveSonicModule(explicit?: string): string {
  if (explicit) return explicit;
  const besideBundle = path.join(path.dirname(here), 'sonic-wasm', 'sonic.js');
  if (existsSync(besideBundle)) return besideBundle;
  try {
    return createRequire(here).resolve('@echogarden/sonic-wasm');
  } catch {
    throw new Error(
      'Cannot find @echogarden/sonic-wasm (sonic.js + sonic.wasm) for speed control: ship node_modules/@echogarden/sonic-wasm or copy it to dist/sonic-wasm/.',
    );
  }
}

let loading: Promise<SonicModule> | undefined;

export function loadSonic(moduleFile?: string): Promise<SonicModule> {
  if (!loading || moduleFile) {
    const file = resolveSonicModule(moduleFile);
    // A variable specifier keeps esbuild from bundling (and breaking) the glue; Node loads it as real ESM.
    const url = pathToFileURL(file).href;
    const p = (import(url) as Promise<{ default: (arg?: object) => Promise<SonicModule> }>).then((m) => m.default());
    if (!moduleFile) loading = p.catch((err) => {
      loading = undefined; // allow a retry after a failed load
      throw err;
    });
    return p;
  }
  return loading;
}

/** Streaming stretcher: feed chunks, get stretched chunks. Speed 1 is a passthrough that never loads Sonic. */
export class TimeStretcher {
  private stream = 0;
  private inPtr = 0;
  private inCap = 0;
  private outPtr = 0;
  private outCap = 0;

  private constructor(readonly speed: number, private readonly sonic: SonicModule | undefined, sampleRate: number) {
    if (sonic) {
      this.stream = sonic._sonicCreateStream(sampleRate, 1);
      if (!this.stream) throw new Error('sonicCreateStream failed');
      sonic._sonicSetSpeed(this.stream, speed);
      sonic._sonicSetQuality(this.stream, 1); // better pitch tracking; still far faster than real time
    }
  }

  static async create(speed: number, sampleRate = DEFAULT_SAMPLE_RATE, moduleFile?: string): Promise<TimeStretcher> {
    if (!(speed >= MIN_SPEED && speed <= MAX_SPEED)) throw new RangeError(`speed must be within ${MIN_SPEED}–${MAX_SPEED}, got ${speed}`);
    if (speed === 1) return new TimeStretcher(1, undefined, sampleRate);
    return new TimeStretcher(speed, await loadSonic(moduleFile), sampleRate);
  }

  process(pcm: Float32Array): Float32Array {
    const s = this.sonic;
    if (!s) return pcm;
    if (!this.stream) throw new Error('TimeStretcher is disposed');
    if (pcm.length > 0) {
      this.ensureIn(pcm.length);
      s.HEAPF32.set(pcm, this.inPtr >> 2); // HEAPF32 is re-created when wasm memory grows: always read it fresh
      if (!s._sonicWriteFloatToStream(this.stream, this.inPtr, pcm.length)) throw new Error('sonicWriteFloatToStream failed (out of memory)');
    }
    return this.drain();
  }

  /** Emit what Sonic still holds; call once at the end of the stream. */
  flush(): Float32Array {
    const s = this.sonic;
    if (!s || !this.stream) return new Float32Array(0);
    s._sonicFlushStream(this.stream);
    return this.drain();
  }

  dispose(): void {
    const s = this.sonic;
    if (!s || !this.stream) return;
    s._sonicDestroyStream(this.stream);
    if (this.inPtr) s._free(this.inPtr);
    if (this.outPtr) s._free(this.outPtr);
    this.stream = this.inPtr = this.outPtr = this.inCap = this.outCap = 0;
  }

  private drain(): Float32Array {
    const s = this.sonic!;
    const available = s._sonicSamplesAvailable(this.stream);
    if (available <= 0) return new Float32Array(0);
    this.ensureOut(available);
    const n = s._sonicReadFloatFromStream(this.stream, this.outPtr, available);
    return s.HEAPF32.slice(this.outPtr >> 2, (this.outPtr >> 2) + n);
  }

  private ensureIn(samples: number): void {
    if (samples <= this.inCap) return;
    if (this.inPtr) this.sonic!._free(this.inPtr);
    this.inCap = Math.max(samples, 4096);
    this.inPtr = this.sonic!._malloc(this.inCap * 4);
  }

  private ensureOut(samples: number): void {
    if (samples <= this.outCap) return;
    if (this.outPtr) this.sonic!._free(this.outPtr);
    this.outCap = Math.max(samples, 8192);
    this.outPtr = this.sonic!._malloc(this.outCap * 4);
  }
}
