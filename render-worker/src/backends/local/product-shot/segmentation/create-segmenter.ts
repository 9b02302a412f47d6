import type { SegmentationSettings } from '@shotfarm/shared';
import { ClassicSegmenter } from './classic-segmenter.ts';
import { ColourKeySegmenter } from './colour-key-segmenter.ts';
import type { Segmenter } from './types.ts';

/** The segmenter a configuration names. */
export function createSegmenter(settings: SegmentationSettings & { toleranceDeltaE: number }): Segmenter {
  const opts = { toleranceDeltaE: settings.toleranceDeltaE, minConfidence: settings.minConfidence };
  switch (settings.segmenter) {
    case 'classic': return new ClassicSegmenter(opts);
    case 'colour-key': return new ColourKeySegmenter(opts);
  }
}
