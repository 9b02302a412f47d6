import { refuseEmptyProduct } from './refusals.ts';
import { frameContact, maskStats } from './mask-stats.ts';
import type { Segmentation, WorkingCopy } from './types.ts';
import { extractAlpha, minTransparentFraction, transparentFraction } from './working-copy.ts';

/** Whether the photo carries a real cut-out in its alpha channel (some pixels transparent, not a stray RGBA PNG). */
export function hasMeaningfulAlpha(img: WorkingCopy): boolean {
  return img.channels === 4 && transparentFraction(img) >= minTransparentFraction;
}

/**
 * The photo's own alpha channel as the matte: someone already cut it out, and nothing here would do better.
 * Its confidence is 1; only an empty cut-out is refused (a trimmed PNG touching every edge is normal).
 */
export function alphaMatte(img: WorkingCopy): Segmentation {
  const matte = extractAlpha(img);
  const stats = maskStats(matte);
  refuseEmptyProduct(stats.productFraction, stats.boxPx);
  return {
    method: 'alpha', matte, confidence: 1,
    signals: { boundaryContrast: 1, agreement: 1, compactness: 1, borderClearance: 1 },
    backgroundRgb: [255, 255, 255], background: null, unmixEdges: false,
    diagnostics: {
      borderBusyFraction: 0, borderTextureDeltaE: 0, frameContactFraction: frameContact(matte), productFraction: stats.productFraction,
    },
  };
}
