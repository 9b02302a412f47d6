/**
 * The scorer's numeric features, by name: the one list the extractor fills, the quality composite reads,
 * the gates check and the CTR model takes its inputs from. Every value is a finite number; booleans are 0/1.
 * Sizes are measured on the original image, and so is what only exists on the file's own pixel grid (noise, JPEG
 * blocking, edge widths, the exact border colour, on sampled rows); everything else on a working copy whose longest
 * side is 512 px. See extract-features.ts for how each is computed.
 */
export const featureNames = [
  // — geometry of the file —
  'widthPx', 'heightPx', 'aspectRatio', 'megapixels', 'bytes', 'bitsPerPixel',
  // — sharpness and noise —
  'sharpness',            // variance of the Laplacian (greyscale, working copy); grows with texture as well as focus
  'sharpnessProduct',     // the same, on the product region only
  'edgeDensity',          // share of pixels on a Sobel edge
  'noiseSigma',           // noise σ (Immerkær) of the original's quietest unclipped areas, 0–255 scale
  'jpegBlockiness',       // 8×8 block-boundary step ratio on the original's grid (≈1 clean, higher blocky)
  // — exposure and contrast —
  'luminanceMean', 'luminanceP5', 'luminanceP95', 'contrastP5P95', 'contrastRms',
  'clippedHighlights',    // share of product pixels at ≥ 250 luminance (a white background is not counted)
  'clippedShadows',       // share of product pixels at ≤ 5 luminance
  'dynamicRange',         // p99 − p1 luminance on the product
  // — colour —
  'colourfulness',        // Hasler–Süsstrunk M
  'saturationMean', 'saturationP95',
  'hueEntropy',           // entropy of the hue histogram of saturated pixels, 0–1
  'warmth',               // mean (R − B) / 255
  'colourCast',           // distance of the mean a*b* of near-neutral pixels from neutral
  // — background and border —
  'borderWhiteRatio',     // share of border pixels with every channel ≥ 250 (border: 1% band, original pixels)
  'borderPureWhiteRatio', // share of border pixels exactly (255,255,255)
  'borderUniformity',     // 1 − normalised std of border colour, 0–1
  'backgroundLuminance',  // mean luminance of the non-product region
  'backgroundClutter',    // edge density of the non-product region
  // — the product (mask from alpha, or near-white flood fill from the borders) —
  'productFound',         // 1 when a product region was separated
  'fillRatio',            // product pixels / frame pixels
  'bboxFill',             // max(bbox width / frame width, bbox height / frame height)
  'bboxAreaRatio',        // bbox area / frame area
  'bboxWidthPx', 'bboxHeightPx', // in original pixels
  'centroidOffset',       // distance of the product centroid from the frame centre / half-diagonal
  'centroidX', 'centroidY', // 0–1
  'thirdsDistance',       // distance of the centroid from the nearest rule-of-thirds point / half-diagonal
  'subjectCount',         // connected product regions larger than 1% of the frame
  'productTouchesEdge',   // 1 when the product mask reaches the frame edge (a cut product)
  'productEdgeSharpness', // 1 / (1 + width): width (10–90 %, px at the 1000-px zoom size) of the crispest edges; 0 none
  'productContrast',      // luminance difference between product and background
  'productRemnantShare',  // share of the product mask in small separate regions: shredded background bits (cutout-integrity.ts)
  'productOutlineRoughness', // px between the mask's outline and a smoothed one: staircase or frayed edges (cutout-integrity.ts)
  // — text —
  'textAreaRatio',        // share of the frame covered by detected text boxes
  'textBoxCount',
  // — product fidelity (generated images against their source product; 1 when not applicable) —
  'fidelitySsim',         // SSIM of the source cut-out and the matching region of the output
  'fidelityPhashSimilarity', // 1 − pHash Hamming distance / 64
] as const;

export type FeatureName = (typeof featureNames)[number];
export type FeatureVector = Record<FeatureName, number>;
