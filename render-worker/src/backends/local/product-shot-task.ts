import { TaskError, type RenderOutput, type RenderTask } from '@shotfarm/shared';
import { ProductShotStudioParams } from '@shotfarm/workflows';
import type { RenderContext } from '../../interfaces/index.ts';
import { storeImageOutput } from '../../outputs/store-output.ts';
import { renderProductShot } from './product-shot/index.ts';

/** `product-shot/studio-local`: read the inputs from storage, composite, store the output. */
export async function runProductShotTask(task: RenderTask, ctx: RenderContext): Promise<RenderOutput[]> {
  const parsed = ProductShotStudioParams.safeParse(task.params);
  if (!parsed.success) throw new TaskError('SF_RENDER_TASK_INVALID', `bad params: ${parsed.error.message}`);
  const productInput = task.inputs.product;
  if (!productInput) throw new TaskError('SF_RENDER_TASK_INVALID', 'input "product" is missing');
  const product = await ctx.storage.get(productInput.key);
  const scene = task.inputs.scene ? await ctx.storage.get(task.inputs.scene.key) : undefined;
  await ctx.progress({ fraction: 0.05, stage: 'inputs' });

  const shot = await renderProductShot({
    product, scene, params: parsed.data, variantIndex: task.variantIndex, seed: task.seed, signal: ctx.signal,
    // Progress is best effort: a lost update must never fail (or crash) the render itself.
    onProgress: (fraction, stage) => { ctx.progress({ fraction: 0.05 + fraction * 0.85, stage }).catch(() => undefined); },
  });
  // A cancel that arrived during the render must not leave a file behind: stop before anything is stored.
  if (ctx.signal.aborted) throw new TaskError('SF_RENDER_CANCELED', 'product shot canceled before its output was stored', { cause: ctx.signal.reason });
  const output = await storeImageOutput(ctx.storage, {
    task, bytes: shot.data, mime: 'image/jpeg', width: shot.info.widthPx, height: shot.info.heightPx,
    params: { ...task.params, variant: task.variantIndex, seed: task.seed, cutout: shot.cutout.method, ...shot.variant },
  });
  await ctx.progress({ fraction: 1, stage: 'stored' });
  return [output];
}
