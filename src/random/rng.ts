/**
 * Seeded randomness. Every random draw in the library goes through an `Rng`
 * that the caller passes in (no Math.random anywhere), so the same seed gives
 * the same episodes, the same training run and the same answers.
 *
 * Core: xoshiro128** (32-bit state words, exact in JS integer arithmetic),
 * seeded through splitmix32. `split()` derives an independent child stream, in
 * the spirit of jax's explicit keys: a consumer that takes a child does not
 * shift the draws of its siblings when it draws more or fewer numbers.
 */

function splitmix32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

/** Hash a string (a family name, a purpose) into a 32-bit seed component. */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

export class Rng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  private spareNormal: number | null = null;

  /** `seed` is any finite number (integers recommended); equal seeds give equal streams. */
  constructor(seed: number) {
    if (!Number.isFinite(seed)) throw new Error(`Rng seed must be a finite number, got ${seed}`);
    // Fold the full double into 32 bits so seeds above 2^32 still differ.
    const lo = seed >>> 0;
    const hi = Math.floor(seed / 4294967296) >>> 0;
    const sm = splitmix32(lo ^ Math.imul(hi, 0x27d4eb2d));
    this.s0 = sm();
    this.s1 = sm();
    this.s2 = sm();
    this.s3 = sm();
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  /** Uniform 32-bit unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5) >>> 0, 7), 9) >>> 0;
    const t = (this.s1 << 9) >>> 0;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    this.s0 >>>= 0;
    this.s1 >>>= 0;
    this.s2 >>>= 0;
    return result;
  }

  /** Uniform in [0, 1) with 53 bits of resolution. */
  uniform(): number {
    const hi = this.nextUint32() >>> 5; // 27 bits
    const lo = this.nextUint32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Uniform in [lo, hi). */
  range(lo: number, hi: number): number {
    return lo + (hi - lo) * this.uniform();
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    if (!(n >= 1) || !Number.isInteger(n))
      throw new Error(`Rng.int needs a positive integer, got ${n}`);
    return Math.floor(this.uniform() * n);
  }

  /** Standard normal (Box-Muller, both values used). */
  normal(): number {
    if (this.spareNormal !== null) {
      const v = this.spareNormal;
      this.spareNormal = null;
      return v;
    }
    let u = 0;
    while (u === 0) u = this.uniform();
    const v = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spareNormal = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  bernoulli(p: number): boolean {
    return this.uniform() < p;
  }

  choice<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('Rng.choice on an empty list');
    return items[this.int(items.length)];
  }

  /** A new shuffled copy (Fisher-Yates). */
  shuffle<T>(items: readonly T[]): T[] {
    const out = items.slice();
    for (let i = out.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      [out[i], out[j]] = [out[j], out[i]];
    }
    return out;
  }

  /** k distinct indices from [0, n), in random order. */
  sample(n: number, k: number): number[] {
    if (k > n) throw new Error(`Rng.sample: cannot draw ${k} of ${n}`);
    return this.shuffle(Array.from({ length: n }, (_, i) => i)).slice(0, k);
  }

  /** Fill an array with N(0, 1) draws. */
  normals(n: number): Float32Array {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = this.normal();
    return out;
  }

  /**
   * An independent child stream. With a `label`, the child depends only on this
   * stream's current state and the label, so `split('demos')` and
   * `split('queries')` stay stable when either consumer changes how much it draws.
   */
  split(label?: string): Rng {
    const a = this.nextUint32();
    const b = this.nextUint32();
    const child = new Rng(0);
    const sm = splitmix32(a ^ Math.imul(b, 0x9e3779b1) ^ (label ? hashString(label) : 0));
    child.s0 = sm();
    child.s1 = sm();
    child.s2 = sm();
    child.s3 = sm();
    if ((child.s0 | child.s1 | child.s2 | child.s3) === 0) child.s0 = 1;
    return child;
  }
}

/** A stream keyed by (seed, labels...): the same key always gives the same stream. */
export function rngFor(seed: number, ...labels: (string | number)[]): Rng {
  let h = hashString(String(seed));
  for (const l of labels) h = Math.imul(h ^ hashString(String(l)), 0x01000193) >>> 0;
  return new Rng(((seed >>> 0) ^ h) >>> 0);
}

/** Anything that fills n standard normals: an Rng, or one stream per batch row. */
export interface NormalSource {
  normals(n: number): Float32Array;
}

/**
 * One stream per batch row: row r's values come from rows[r] only, so a row's
 * noise does not depend on which other rows share its batch (a batch split
 * across workers draws exactly what the whole batch would).
 */
export class RowStreams implements NormalSource {
  constructor(readonly rows: readonly Rng[]) {}

  normals(n: number): Float32Array {
    const per = n / this.rows.length;
    if (!Number.isInteger(per))
      throw new Error(`RowStreams: ${n} values do not split into ${this.rows.length} rows`);
    const out = new Float32Array(n);
    this.rows.forEach((r, i) => out.set(r.normals(per), i * per));
    return out;
  }
}
