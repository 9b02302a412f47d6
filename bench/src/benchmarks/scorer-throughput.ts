import sharp from 'sharp';
import { count, inArray } from 'drizzle-orm';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { tables } from '@shotfarm/shared/db';
import { createStorage } from '@shotfarm/shared/storage';
import { readShippedModels, ScoreWorker } from '@shotfarm/scorer';
import { CtrModel, defaultDetectionModelPath, detInputSize, toDetTensorData } from '@shotfarm/scorer/scoring';
import { startBenchFarm } from '../bench-farm.ts';
import { Closers } from '../closers.ts';
import { interleave, timeBatch, type Benchmark, type BenchmarkResult } from '../measure.ts';
import { multipartFile } from '../multipart-file.ts';
import { makeProductPhoto } from '../product-photo.ts';

export interface ScorerThroughputOptions {
  /** Images in each timed batch. @defaultValue 12 */
  imagesPerRound?: number;
  /** Paired rounds. @defaultValue 3 */
  rounds?: number;
  /** Side of each generated product photo. @defaultValue 800 */
  photoSidePx?: number;
}

const defaultImagesPerRound = 12;
const defaultRounds = 3;
const defaultPhotoSidePx = 800;
/** The scorer's working copy for features. */
const workingSidePx = 512;

/**
 * Images scored per second end to end — score queue → scorer worker (text detection, features, gates,
 * quality, CTR by onnxruntime) → result recorded in the database — against the least any scorer costs:
 * a bare sharp decode + resize plus bare onnxruntime inference of the same two models (PP-OCR detection
 * and the CTR model) on the same images. Every image is scored once (a score is per image and model
 * version), so each round uploads fresh photos before it is timed.
 */
export async function runScorerThroughput(opts: ScorerThroughputOptions = {}): Promise<BenchmarkResult> {
  const imagesPerRound = opts.imagesPerRound ?? defaultImagesPerRound;
  const closers = new Closers();
  try {
    const shippedModels = await readShippedModels();
    const { api, config, redisUrl, database } = await startBenchFarm(closers, { shippedModels });
    const worker = new ScoreWorker({ redisUrl, prefix: config.queuePrefix, storage: await createStorage(config.storage) });
    closers.add(() => worker.close());
    await worker.start();

    const base = await makeProductPhoto(opts.photoSidePx ?? defaultPhotoSidePx);
    let photoCounter = 0;
    // A new photo each time (hue-shifted), so every score is a first score.
    const nextPhoto = () => sharp(base).modulate({ hue: (photoCounter++ * 7) % 360 }).jpeg({ quality: 90 }).toBuffer();
    const photosFor = async (n: number) => Promise.all(Array.from({ length: n }, nextPhoto));

    /** Store the photos in storage and the database without scoring them, then time only the scoring. */
    const prepareFarm = async (n: number) => {
      const ids: string[] = [];
      // Uploads enqueue a score themselves: pause the worker while they land, so only the timed part scores.
      await worker.pause();
      for (const photo of await photosFor(n)) {
        const res = await api.inject({ method: 'POST', url: '/api/assets', ...multipartFile(photo, 'p.jpg', 'image/jpeg') });
        ids.push((res.json() as { id: string }).id);
      }
      return ids;
    };
    const farmBatch = async (ids: string[]) => {
      worker.resume();
      const deadline = Date.now() + 120_000;
      for (;;) {
        const [row] = await database.db.select({ n: count() }).from(tables.scores).where(inArray(tables.scores.assetId, ids));
        if (row!.n >= ids.length) return;
        if (Date.now() > deadline) throw new Error('scores did not arrive');
        await new Promise((r) => setTimeout(r, 20));
      }
    };

    const det = await InferenceSession.create(defaultDetectionModelPath(), { intraOpNumThreads: 1 });
    closers.add(() => det.release());
    const ctr = await CtrModel.load(shippedModels[0]!.onnx);
    closers.add(() => ctr.close());
    const bare = async (photos: Buffer[]) => {
      for (const photo of photos) {
        await sharp(photo).resize(workingSidePx, workingSidePx, { fit: 'inside' }).raw().toBuffer();
        const { data, info } = await sharp(photo).removeAlpha().raw().toBuffer({ resolveWithObject: true });
        const size = detInputSize(info.width, info.height);
        const resized = await sharp(data, { raw: { width: info.width, height: info.height, channels: 3 } }).resize(size.widthPx, size.heightPx, { fit: 'fill' }).raw().toBuffer();
        await det.run({ [det.inputNames[0]!]: new Tensor('float32', toDetTensorData(resized, size), [1, 3, size.heightPx, size.widthPx]) });
        await ctr.predict([Object.fromEntries(ctr.featureNames.map((n) => [n, 1]))]);
      }
    };

    let farmIds: string[] = [];
    let barePhotos: Buffer[] = [];
    const comparison = await interleave({
      rounds: opts.rounds ?? defaultRounds,
      warmUp: async () => { await bare(await photosFor(2)); await farmBatch(await prepareFarm(2)); },
      baseline: async () => { barePhotos = await photosFor(imagesPerRound); return timeBatch(imagesPerRound, () => bare(barePhotos)); },
      subject: async () => { farmIds = await prepareFarm(imagesPerRound); return timeBatch(imagesPerRound, () => farmBatch(farmIds)); },
    });
    return { name: scorerThroughput.name, comparison, itemNoun: 'images', itemsPerRound: imagesPerRound, baselineLabel: 'bare sharp decode+resize + onnxruntime (PP-OCR det + CTR)' };
  } finally {
    await closers.closeAll();
  }
}

export const scorerThroughput: Benchmark = { name: 'scorer-throughput', run: () => runScorerThroughput() };
