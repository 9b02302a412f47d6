import { z } from 'zod';

/** Marketplace main-image presets by id. */
export const MarketplacePresetId = z.enum(['taobao-800', 'taobao-750x1000', 'amazon-2000']);
export type MarketplacePresetId = z.infer<typeof MarketplacePresetId>;

/** How the final image is encoded. */
export interface OutputFormat {
  format: 'jpeg';
  /** JPEG quality, 1–100. */
  quality: number;
  /** mozjpeg's trellis and scan tuning: off, because it costs several times the encode time for a few percent. */
  mozjpeg: boolean;
}

/** One marketplace's main-image rules. */
export interface MarketplacePreset {
  id: MarketplacePresetId;
  widthPx: number;
  heightPx: number;
  /** Default free space around the product on each side, percent of the canvas's shorter side. */
  marginPct: number;
  /** The marketplace requires a pure white (#ffffff) background: every scene is replaced by white. */
  forceWhite: boolean;
  /**
   * When set, the product's bounding box is scaled to exactly this percent of the canvas (its limiting side),
   * whatever the margin or composition says: the marketplace prescribes how much of the frame it fills.
   */
  productFillPct: number | null;
  output: OutputFormat;
}

const jpeg90: OutputFormat = { format: 'jpeg', quality: 90, mozjpeg: false };

/**
 * Main-image presets. Taobao/Tmall main images are square 800×800 (zoomable) or 3:4 750×1000 for apparel;
 * Amazon asks for a pure white background, at least 1000 px on the longest side (2000 gives zoom), with the
 * product filling 85% or more of the frame.
 */
export const marketplacePresets: Readonly<Record<MarketplacePresetId, MarketplacePreset>> = {
  'taobao-800': {
    id: 'taobao-800', widthPx: 800, heightPx: 800, marginPct: 8, forceWhite: false, productFillPct: null, output: jpeg90,
  },
  'taobao-750x1000': {
    id: 'taobao-750x1000', widthPx: 750, heightPx: 1000, marginPct: 8, forceWhite: false, productFillPct: null, output: jpeg90,
  },
  'amazon-2000': {
    id: 'amazon-2000', widthPx: 2000, heightPx: 2000, marginPct: 7.5, forceWhite: true, productFillPct: 85, output: jpeg90,
  },
};
