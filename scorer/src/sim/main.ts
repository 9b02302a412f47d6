// `pnpm sim`: simulate a market and write its click logs for training, plus the truth only the simulator knows.
// Options: --seed N (1), --r2 SHARE (0.7), --products N (900), --days N (14), --out DIR (.shotfarm/sim/seed-N-r2-X).
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { clickLogFiles, writeClickLogCsv } from '../training/click-log-csv.ts';
import { summariseDataset } from '../training/ctr-dataset.ts';
import { ClickSimulator, defaultClickSimulatorOptions, type ReplayPolicy } from './click-simulator.ts';

/** The repo's untracked working folder (ignored by git and lint). */
const workDir = fileURLToPath(new URL('../../../.shotfarm/', import.meta.url));

const { values } = parseArgs({
  options: { seed: { type: 'string' }, r2: { type: 'string' }, products: { type: 'string' }, days: { type: 'string' }, out: { type: 'string' } },
});
const d = defaultClickSimulatorOptions;
const seed = Number(values.seed ?? d.seed);
const learnableShare = Number(values.r2 ?? d.learnableShare);
const sim = new ClickSimulator({ seed, learnableShare, productCount: Number(values.products ?? d.productCount), days: Number(values.days ?? d.days) });
const out = values.out ? path.resolve(values.out) : path.join(workDir, 'sim', `seed-${seed}-r2-${learnableShare}`);

const dataset = sim.dataset();
await writeClickLogCsv(dataset, out);
const truth = ['imageId,productId,trueCtr,learnableLogit,noiseLogit', ...sim.images.map((im) => {
  const t = sim.truth(im.imageId);
  return `${im.imageId},${im.productId},${t.trueCtr},${t.learnableLogit},${t.noiseLogit}`;
})];
await writeFile(path.join(out, 'truth.csv'), `${truth.join('\n')}\n`);

// A taste of replay: the same shoppers (a tenth of the traffic) meet a uniform policy and an all-knowing one.
const replayOptions = { trafficScale: 0.1 };
const uniform: ReplayPolicy = (() => {
  let i = 0;
  return { choose: (c) => c.candidates[i++ % c.candidates.length]!.imageId };
})();
const oracle: ReplayPolicy = {
  choose: (c) => c.candidates.reduce((best, im) => (sim.truth(im.imageId).trueCtr > sim.truth(best.imageId).trueCtr ? im : best)).imageId,
};
const u = sim.replay(uniform, replayOptions);
const o = sim.replay(oracle, replayOptions);

const s = summariseDataset(dataset);
const pct = (x: number) => `${(x * 100).toFixed(2)}%`;
process.stdout.write([
  `${dataset.description}`,
  `  ${s.products} products, ${s.images} images, ${s.rows} image-days, ${s.impressions.toLocaleString('en-US')} impressions, `
    + `${s.clicks.toLocaleString('en-US')} clicks (CTR ${pct(s.clicks / s.impressions)})`,
  `  replay at 10% traffic: round-robin ${u.clicks} clicks (CTR ${pct(u.clicks / u.impressions)}), `
    + `best image ${o.clicks} clicks (CTR ${pct(o.clicks / o.impressions)})`,
  `  wrote ${[clickLogFiles.images, clickLogFiles.clicks, clickLogFiles.description, 'truth.csv'].map((f) => path.relative(process.cwd(), path.join(out, f))).join(', ')}`,
  '',
].join('\n'));
