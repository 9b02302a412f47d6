import sharp from 'sharp';

/** Side of the working copy every feature is computed on, so scores compare across image sizes. */
export const workingSizePx = 512;

/**
 * Sharpness as the variance of the Laplacian of the greyscale working copy (Pech-Pacheco et al. 2000):
 * a blurred or defocused image has weak second derivatives everywhere, so a low variance.
 */
export async function sharpness(image: Buffer): Promise<number> {
  const { data, info } = await sharp(image)
    .resize(workingSizePx, workingSizePx, { fit: 'inside' })
    .greyscale()
    .raw()
    .toBuffer({ resolveWithObject: true });
  const { width, height } = info;
  let sum = 0;
  let sumSq = 0;
  let n = 0;
  for (let y = 1; y < height - 1; y++) {
    for (let x = 1; x < width - 1; x++) {
      const i = y * width + x;
      const lap = data[i - width]! + data[i + width]! + data[i - 1]! + data[i + 1]! - 4 * data[i]!;
      sum += lap;
      sumSq += lap * lap;
      n++;
    }
  }
  if (n === 0) return 0;
  const mean = sum / n;
  return sumSq / n - mean * mean;
}
