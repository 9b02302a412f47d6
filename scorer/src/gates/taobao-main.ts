import type { FeatureVector } from '../features/feature-names.ts';
import { defineGateProfile, type GateRuleCheck } from './gate.ts';
import { formatRule, maxBytesRule, measured, size } from './gate-rules.ts';
import { upperMegaBytes } from './tolerances.ts';

// Exact integer ratios: pixel sizes are whole numbers, so 1:1 and 3:4 need no float tolerance, and Taobao crops
// anything else to fit.
const isSquare = (f: FeatureVector) => f.widthPx === f.heightPx && f.widthPx > 0;
const isThreeFour = (f: FeatureVector) => f.widthPx * 4 === f.heightPx * 3 && f.widthPx > 0;

const squareMin = { widthPx: 800, heightPx: 800 } as const;
const threeFourMin = { widthPx: 750, heightPx: 1000 } as const;

const aspectRule: GateRuleCheck = {
  id: 'aspect-ratio',
  evaluate: ({ features: f }) => {
    const pass = isSquare(f) || isThreeFour(f);
    return { id: 'aspect-ratio', pass, value: measured(f.widthPx / f.heightPx), threshold: '1:1 | 3:4', message: pass
      ? { 'zh-CN': `比例为 ${isSquare(f) ? '1:1' : '3:4'}`, en: `the aspect ratio is ${isSquare(f) ? '1:1' : '3:4'}` }
      : { 'zh-CN': `图片为 ${size(f.widthPx, f.heightPx)}，比例须为 1:1 或 3:4`, en: `the image is ${size(f.widthPx, f.heightPx)}; the aspect ratio must be 1:1 or 3:4` } };
  },
};

/** The minimum follows the aspect: 750×1000 for a 3:4 image, 800×800 for anything else (a square, or a wrong ratio). */
const minSizeRule: GateRuleCheck = {
  id: 'min-size',
  evaluate: ({ features: f }) => {
    const min = isThreeFour(f) ? threeFourMin : squareMin;
    const pass = f.widthPx >= min.widthPx && f.heightPx >= min.heightPx;
    const got = size(f.widthPx, f.heightPx);
    const want = size(min.widthPx, min.heightPx);
    return { id: 'min-size', pass, value: got, threshold: `≥ ${want}`, unit: 'px', message: pass
      ? { 'zh-CN': `尺寸 ${got}，不小于 ${want}`, en: `the image is ${got}, at least ${want}` }
      : { 'zh-CN': `尺寸 ${got}，须不小于 ${want}`, en: `the image is ${got}; it must be at least ${want}` } };
  },
};

/** Taobao / Tmall main image (主图): square at 800×800 or more, or 3:4 at 750×1000 or more; JPEG or PNG up to 3 MB. */
export const taobaoMain = defineGateProfile({
  id: 'taobao-main',
  label: { 'zh-CN': '淘宝主图', en: 'Taobao main image' },
  rules: [aspectRule, minSizeRule, maxBytesRule(3 * upperMegaBytes), formatRule(['jpeg', 'png'])],
});
