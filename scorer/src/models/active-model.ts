import type { Redis } from 'ioredis';
import { ActiveModelPointer, TaskError } from '@shotfarm/shared';
import { activeModelKey, shadowModelKey } from '@shotfarm/shared/queue';
import type { Storage } from '@shotfarm/shared/storage';

/**
 * The model a scorer worker should use right now. The manager writes a pointer to Redis when a version
 * is activated; each task reads it (one GET) and a new version is loaded from storage on first use —
 * switching without a restart, while the worker never opens the database.
 */
export class ActiveModel<M> {
  #loaded: { pointer: ActiveModelPointer; model: M } | undefined;
  #loading: Promise<{ pointer: ActiveModelPointer; model: M }> | undefined;

  constructor(private readonly opts: {
    name: string; redis: Redis; prefix: string; storage: Storage;
    /** Follow the shadow pointer instead of the active one (issue 17). */
    shadow?: boolean;
    load: (onnx: Buffer, pointer: ActiveModelPointer) => Promise<M>;
    dispose?: (model: M) => Promise<void>;
  }) {}

  async current(): Promise<{ model: M; version: string }> {
    const found = await this.published();
    if (!found) throw new TaskError('SF_SCORE_NO_MODEL', `no active ${this.opts.name} model is published`, { retryable: true });
    return found;
  }

  /** The published model, or undefined when no pointer is set (a shadow model is optional). */
  async published(): Promise<{ model: M; version: string } | undefined> {
    const key = this.opts.shadow ? shadowModelKey(this.opts.prefix, this.opts.name) : activeModelKey(this.opts.prefix, this.opts.name);
    const raw = await this.opts.redis.get(key);
    const parsed = raw ? ActiveModelPointer.safeParse(JSON.parse(raw)) : undefined;
    if (!parsed?.success) return undefined;
    const pointer = parsed.data;
    if (this.#loaded?.pointer.version !== pointer.version || this.#loaded.pointer.key !== pointer.key) {
      this.#loading ??= (async () => ({ pointer, model: await this.opts.load(await this.opts.storage.get(pointer.key), pointer) }))()
        .finally(() => { this.#loading = undefined; });
      const previous = this.#loaded;
      this.#loaded = await this.#loading;
      if (previous && previous.model !== this.#loaded.model) await this.opts.dispose?.(previous.model);
    }
    return { model: this.#loaded.model, version: `${pointer.name}-v${pointer.version}` };
  }
}
