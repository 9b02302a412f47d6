/** Closes what was opened, newest first, even when an earlier close fails; the first failure is rethrown. */
export class Closers {
  readonly #closers: (() => Promise<unknown>)[] = [];

  add(close: () => Promise<unknown>): void {
    this.#closers.push(close);
  }

  async closeAll(): Promise<void> {
    let failure: unknown;
    for (const close of this.#closers.reverse()) {
      try {
        await close();
      } catch (e) {
        failure ??= e;
      }
    }
    this.#closers.length = 0;
    if (failure !== undefined) throw failure;
  }
}
