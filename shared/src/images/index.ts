// Image maths the renderer and the scorer share (one home for each: the sRGB transfer, region labelling and the
// border flood, mask extents, the product mask, the seeded PRNG, hash distances), and the thumbnails both store.
export { makeThumbnail, thumbnailSizePx } from './thumbnail.ts';
export { srgbToLinear, linearToSrgb, srgbByteToLinear } from './srgb.ts';
export { connectedComponents, floodFromEdge, forEachRingPixel, type Components } from './connected-components.ts';
export { maskExtent, scaleBoxOutward, type BoxPx, type MaskExtent } from './box.ts';
export { productMask, type ProductMask, type ProductMaskMethod, type ProductMaskOptions, type RgbImage } from './product-mask.ts';
export { mulberry32 } from './prng.ts';
export { hammingDistance } from './hamming.ts';
export { guidedFilter, boxMean, type GuidedFilterOptions } from './guided-filter.ts';
