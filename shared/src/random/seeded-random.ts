/**
 * A seeded pseudo-random source with the distributions the click simulator, the training splits and the A/B bandit
 * (Thompson draws, P(best), its simulations) need. Our own generator, not `Math.random`, so that a seed reproduces
 * the same click logs on every machine and Node version: the shipped model is retrained from these logs and compared
 * byte for byte.
 *
 * The core is xoshiro128** (Blackman & Vigna 2018), seeded through splitmix32; a named `stream` hashes into the
 * seed, so independent parts of a simulation (features, traffic, clicks) draw from independent sequences and adding
 * a draw to one part does not shift every number in another.
 */
export class SeededRandom {
  #s0: number;
  #s1: number;
  #s2: number;
  #s3: number;
  #spareNormal: number | undefined;

  constructor(seed: number, stream = '') {
    let x = (Math.trunc(seed) ^ fnv1a32(stream)) >>> 0;
    const splitmix32 = (): number => {
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.#s0 = splitmix32();
    this.#s1 = splitmix32();
    this.#s2 = splitmix32();
    this.#s3 = splitmix32();
  }

  /** Next 32 random bits as an unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.#s1, 5) >>> 0, 7), 9) >>> 0;
    const t = (this.#s1 << 9) >>> 0;
    this.#s2 = (this.#s2 ^ this.#s0) >>> 0;
    this.#s3 = (this.#s3 ^ this.#s1) >>> 0;
    this.#s1 = (this.#s1 ^ this.#s2) >>> 0;
    this.#s0 = (this.#s0 ^ this.#s3) >>> 0;
    this.#s2 = (this.#s2 ^ t) >>> 0;
    this.#s3 = rotl(this.#s3, 11);
    return result;
  }

  /** Uniform on [0, 1). */
  next(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Uniform on [lo, hi). */
  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }

  /** Uniform integer on [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** One element of a non-empty list, uniformly. */
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('pick() needs a non-empty list');
    return items[this.int(items.length)]!;
  }

  /** True with probability p. */
  bernoulli(p: number): boolean {
    return this.next() < p;
  }

  /** Normal(mean, sd) by Box–Muller; the second value of each pair is kept for the next call. */
  normal(mean = 0, sd = 1): number {
    if (this.#spareNormal !== undefined) {
      const z = this.#spareNormal;
      this.#spareNormal = undefined;
      return mean + sd * z;
    }
    const u1 = 1 - this.next(); // (0, 1]: log(0) would be −∞
    const u2 = this.next();
    const r = Math.sqrt(-2 * Math.log(u1));
    this.#spareNormal = r * Math.sin(2 * Math.PI * u2);
    return mean + sd * r * Math.cos(2 * Math.PI * u2);
  }

  /** Log-normal with the given median and standard deviation of the log. */
  logNormal(median: number, sdLog: number): number {
    return median * Math.exp(this.normal(0, sdLog));
  }

  /** Gamma(shape, 1) by Marsaglia & Tsang (2000); shape < 1 through the boost Gamma(shape + 1) · U^(1/shape). */
  gamma(shape: number): number {
    if (!(shape > 0)) throw new RangeError(`gamma shape must be > 0, got ${shape}`);
    if (shape < 1) return this.gamma(shape + 1) * Math.pow(1 - this.next(), 1 / shape);
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      let x: number;
      let v: number;
      do {
        x = this.normal();
        v = 1 + c * x;
      } while (v <= 0);
      v = v * v * v;
      const u = 1 - this.next();
      if (u < 1 - 0.0331 * x ** 4) return d * v;
      if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
    }
  }

  /** Beta(a, b) as a ratio of gammas. */
  beta(a: number, b: number): number {
    const x = this.gamma(a);
    const y = this.gamma(b);
    return x / (x + y);
  }

  /**
   * Binomial(n, p), exactly. Large n is halved through the beta-distributed order statistic (Knuth, TAOCP vol. 2,
   * §3.4.1 F), so the cost is O(log n) whatever n·p is; the last few trials are drawn one by one. Exact because the
   * model is retrained from these counts: a normal approximation would bias rare-click images.
   */
  binomial(n: number, p: number): number {
    if (!Number.isInteger(n) || n < 0) throw new RangeError(`binomial n must be a non-negative integer, got ${n}`);
    if (p <= 0 || n === 0) return 0;
    if (p >= 1) return n;
    let k = 0;
    let trials = n;
    let prob = p;
    while (trials > bernoulliLoopMax) {
      const a = 1 + (trials >> 1);
      const b = trials - a + 1;
      const x = this.beta(a, b); // the a-th smallest of `trials` uniforms
      if (x >= prob) {
        trials = a - 1;
        prob /= x;
      } else {
        k += a;
        trials = b - 1;
        prob = (prob - x) / (1 - x);
      }
    }
    for (let i = 0; i < trials; i++) if (this.next() < prob) k++;
    return k;
  }
}

/** Below this many trials a binomial is drawn as a sum of Bernoullis: cheaper than another beta split. */
const bernoulliLoopMax = 24;

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

/** FNV-1a over UTF-16 code units: only to turn a stream name into seed bits. */
function fnv1a32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}
