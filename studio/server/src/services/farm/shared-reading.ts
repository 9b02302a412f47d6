/**
 * One reading of something slow to ask (a render server's health, Replicate's account) shared by every
 * caller for `cacheMs`: several farm pages polling at once cost one round of requests, and one in flight is
 * joined, not repeated.
 */
export class SharedReading<T> {
  #cached: { at: number; reading: Promise<T> } | undefined;

  constructor(private readonly read: () => Promise<T>, private readonly cacheMs: number) {}

  get(now: number = Date.now()): Promise<T> {
    if (this.#cached && now - this.#cached.at < this.cacheMs) return this.#cached.reading;
    const reading = this.read();
    this.#cached = { at: now, reading };
    return reading;
  }

  /** Drop the reading, so the next `get` asks again (a reading not worth remembering: nobody answered). */
  forget(): void {
    this.#cached = undefined;
  }
}
