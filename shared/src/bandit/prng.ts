/**
 * A small seeded PRNG (sfc32, seeded through splitmix32 from a number and a stream name) with the draws the bandit
 * needs: uniform, normal, gamma and beta. Seeded so that allocations, tests and simulations are reproducible.
 */
export class BanditRandom {
  #a: number;
  #b: number;
  #c: number;
  #d: number;
  #spareNormal: number | undefined;

  constructor(seed: number, stream = '') {
    let h = (Math.floor(seed) ^ 0x9e3779b9) >>> 0;
    for (let i = 0; i < stream.length; i++) h = Math.imul(h ^ stream.charCodeAt(i), 0x85ebca6b) >>> 0;
    const split = () => {
      h = (h + 0x9e3779b9) >>> 0;
      let z = h;
      z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
      z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
      return (z ^ (z >>> 15)) >>> 0;
    };
    this.#a = split(); this.#b = split(); this.#c = split(); this.#d = split();
    for (let i = 0; i < 12; i++) this.next();
  }

  /** Uniform in [0, 1). */
  next(): number {
    const t = (((this.#a + this.#b) | 0) + this.#d) | 0;
    this.#d = (this.#d + 1) | 0;
    this.#a = this.#b ^ (this.#b >>> 9);
    this.#b = (this.#c + (this.#c << 3)) | 0;
    this.#c = (this.#c << 21) | (this.#c >>> 11);
    this.#c = (this.#c + t) | 0;
    return (t >>> 0) / 4294967296;
  }

  /** Standard normal (Marsaglia's polar method; the second value is kept for the next call). */
  normal(): number {
    if (this.#spareNormal !== undefined) { const s = this.#spareNormal; this.#spareNormal = undefined; return s; }
    for (;;) {
      const u = 2 * this.next() - 1;
      const v = 2 * this.next() - 1;
      const s = u * u + v * v;
      if (s > 0 && s < 1) {
        const f = Math.sqrt((-2 * Math.log(s)) / s);
        this.#spareNormal = v * f;
        return u * f;
      }
    }
  }

  /** Gamma(shape, 1) by Marsaglia and Tsang; shapes below 1 by the boost Gamma(a+1)·U^(1/a). */
  gamma(shape: number): number {
    if (!(shape > 0)) throw new RangeError(`gamma shape must be > 0, got ${shape}`);
    if (shape < 1) return this.gamma(shape + 1) * Math.pow(1 - this.next(), 1 / shape);
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      let x: number;
      let v: number;
      do { x = this.normal(); v = 1 + c * x; } while (v <= 0);
      v = v * v * v;
      const u = this.next();
      if (u < 1 - 0.0331 * x ** 4 || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
    }
  }

  /** Beta(a, b) as Ga/(Ga+Gb). */
  beta(a: number, b: number): number {
    const x = this.gamma(a);
    const y = this.gamma(b);
    return x / (x + y);
  }

  /** Binomial(n, p): exact Bernoulli sums for small n, the normal approximation (rounded, clamped) for large n·p·(1−p). */
  binomial(n: number, p: number): number {
    if (n <= 0 || p <= 0) return 0;
    if (p >= 1) return n;
    const variance = n * p * (1 - p);
    if (n < 64 || variance < 25) {
      if (n < 64) { let k = 0; for (let i = 0; i < n; i++) if (this.next() < p) k++; return k; }
      // Small mean: count geometric gaps between successes (exact).
      // log1p keeps a tiny p from rounding log(1 − p) to 0 (an endless loop of zero-length gaps).
      const logQ = Math.log1p(-p);
      let k = 0;
      let pos = 0;
      for (;;) {
        const gap = Math.floor(Math.log1p(-this.next()) / logQ) + 1;
        pos += Number.isFinite(gap) && gap > 0 ? gap : n + 1;
        if (pos > n) return k;
        k++;
      }
    }
    return Math.min(n, Math.max(0, Math.round(n * p + Math.sqrt(variance) * this.normal())));
  }
}
