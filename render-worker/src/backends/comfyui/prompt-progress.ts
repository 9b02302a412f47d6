import { maxPreviewBase64Chars, type ComfyApiGraph, type RenderProgress } from '@shotfarm/shared';
import type { PromptEvent } from './prompt-watch.ts';

/** The render's share of the task's progress; inputs before it, storing after. */
const renderFrom = 0.1;
const renderTo = 0.9;
/** Previews ride Redis and SSE: at most this often. */
const minPreviewGapMs = 500;
const maxStageChars = 64;

/**
 * Turns a prompt's events into `RenderProgress`: each node of the graph is an equal share, cached
 * nodes count as done at once, and a node's `progress` (sampler steps) fills its share.
 */
export class PromptProgress {
  readonly #graph: ComfyApiGraph;
  readonly #done = new Set<string>();
  #current: string | undefined;
  #currentFraction = 0;
  #lastPreviewAt = -Infinity;

  constructor(graph: ComfyApiGraph) {
    this.#graph = graph;
  }

  /** The update for `e`, or `undefined` when it changes nothing worth sending. */
  update(e: PromptEvent): RenderProgress | undefined {
    switch (e.kind) {
      case 'started': return this.#at('running');
      case 'cached':
        for (const n of e.nodes) if (this.#graph[n]) this.#done.add(n);
        return this.#at(`cached ${e.nodes.length} nodes`);
      case 'executing':
        if (this.#current) this.#done.add(this.#current);
        this.#current = this.#graph[e.node] ? e.node : this.#current;
        this.#currentFraction = 0;
        return this.#at(`node ${e.node} ${this.#graph[e.node]?.class_type ?? ''}`.trim());
      case 'progress':
        if (e.max > 0) this.#currentFraction = Math.min(1, Math.max(0, e.value / e.max));
        return this.#at(`node ${e.node ?? this.#current ?? '?'} step ${e.value}/${e.max}`);
      case 'executed':
        if (this.#graph[e.node]) this.#done.add(e.node);
        return undefined;
      case 'preview': {
        const now = performance.now();
        const base64 = e.frame.image.toString('base64');
        if (now - this.#lastPreviewAt < minPreviewGapMs || base64.length > maxPreviewBase64Chars) return undefined;
        this.#lastPreviewAt = now;
        return { ...this.#at(`preview ${e.node ?? ''}`.trim()), preview: { mime: e.frame.mime, base64 } };
      }
    }
  }

  #at(stage: string): RenderProgress {
    const total = Math.max(1, Object.keys(this.#graph).length);
    const current = this.#current && !this.#done.has(this.#current) ? this.#currentFraction : 0;
    const fraction = renderFrom + (renderTo - renderFrom) * Math.min(1, (this.#done.size + current) / total);
    return { fraction, stage: stage.slice(0, maxStageChars) };
  }
}
