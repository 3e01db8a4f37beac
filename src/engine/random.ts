/** Seeded Gaussian noise for the flow head; reproducible across runs and platforms. */

/** xoshiro128** — small, fast, good statistical quality, fully determined by the seed. */
export class SeededRandom {
  private s = new Uint32Array(4);
  private spare: number | null = null;

  constructor(seed: number) {
    // splitmix32 expands one seed into four non-zero state words.
    let x = seed >>> 0;
    for (let i = 0; i < 4; i++) {
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      this.s[i] = (z ^ (z >>> 16)) >>> 0;
    }
  }

  /** Uniform in (0, 1]. */
  uniform(): number {
    const s = this.s;
    const result = Math.imul(rotl(Math.imul(s[1], 5) >>> 0, 7), 9) >>> 0;
    const t = (s[1] << 9) >>> 0;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11);
    return (result + 1) / 4294967296;
  }

  /** Standard normal via Box–Muller. */
  normal(): number {
    if (this.spare !== null) {
      const v = this.spare;
      this.spare = null;
      return v;
    }
    const u1 = this.uniform();
    const u2 = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u1));
    this.spare = r * Math.sin(2 * Math.PI * u2);
    return r * Math.cos(2 * Math.PI * u2);
  }

  /**
   * Flow-head starting noise. Temperature scales the variance (std = sqrt(temp)), as in the reference;
   * temperature 0 gives zeros, i.e. deterministic generation. `clamp` truncates like trunc_normal_.
   */
  noise(n: number, temperature: number, clamp?: number): Float32Array {
    const out = new Float32Array(n);
    if (temperature <= 0) return out;
    const std = Math.sqrt(temperature);
    for (let i = 0; i < n; i++) {
      let v = this.normal() * std;
      if (clamp !== undefined) while (Math.abs(v) > clamp) v = this.normal() * std;
      out[i] = v;
    }
    return out;
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

/** The noise seed of text chunk `k` of a request: independent streams, so any chunk can be regenerated alone. */
export function chunkSeed(seed: number, k: number): number {
  return (seed + Math.imul(k, 0x9e3779b9)) >>> 0;
}
