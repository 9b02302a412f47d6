// `pnpm --filter @shotfarm/scorer train`: train the shipped CTR model on the click simulator and write
// scorer/models/ctr-v1.{onnx,json} and MODEL_CARD.md. Options: --seed N, --out DIR.
import path from 'node:path';
import { parseArgs } from 'node:util';
import { shippedModelsDir } from '../models/shipped-models.ts';
import { buildShippedCtrModel, writeShippedCtrModel } from './ship-ctr-model.ts';

const { values } = parseArgs({ options: { seed: { type: 'string' }, out: { type: 'string' } } });
const seed = values.seed === undefined ? undefined : Number(values.seed);
if (seed !== undefined && !Number.isInteger(seed)) throw new RangeError(`--seed must be an integer, got ${values.seed}`);
const built = buildShippedCtrModel({ seed });
const files = await writeShippedCtrModel(built, values.out ? path.resolve(values.out) : shippedModelsDir);
const m = built.model.metrics;
process.stdout.write(
  `${built.model.name}-v${built.model.version}: within-product AUC ${m.withinProductAuc.toFixed(4)} `
  + `[${m.withinProductAucCi95.map((x) => x.toFixed(4)).join(', ')}], pairwise ${m.pairwiseAccuracy.toFixed(4)}, `
  + `ECE ${m.expectedCalibrationError.toFixed(4)} (simulated clicks)\n${files.map((f) => `  wrote ${path.relative(process.cwd(), f)}`).join('\n')}\n`,
);
