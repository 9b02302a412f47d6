import type { GateRuleCheck, ImageFormat } from './gate.ts';
import { confidentTextScore, maxTextAreaRatio } from './tolerances.ts';

// The rules several profiles share, each a small factory. Comparisons are written so that a NaN or missing
// feature makes the rule fail: a gate must never pass an image it could not measure.

/** The file's format is one of `allowed`. */
export function formatRule(allowed: readonly ImageFormat[]): GateRuleCheck {
  const names = allowed.map((f) => f.toUpperCase());
  return {
    id: 'format',
    evaluate: ({ format }) => {
      const pass = allowed.includes(format);
      const got = String(format).toUpperCase();
      return { id: 'format', pass, value: String(format), threshold: allowed.join(' | '), message: pass
        ? { 'zh-CN': `格式 ${got}，符合要求`, en: `format ${got} is accepted` }
        : { 'zh-CN': `格式为 ${got}，须为 ${names.join(' 或 ')}`, en: `format is ${got}; must be ${names.join(' or ')}` } };
    },
  };
}

/** The file is at most `maxBytes`. */
export function maxBytesRule(maxBytes: number): GateRuleCheck {
  return {
    id: 'max-bytes',
    evaluate: ({ bytes }) => {
      const pass = bytes <= maxBytes;
      return { id: 'max-bytes', pass, value: measured(bytes), threshold: `≤ ${maxBytes}`, unit: 'B', message: pass
        ? { 'zh-CN': `文件大小 ${kb(bytes)}，不超过 ${kb(maxBytes)}`, en: `file size ${kb(bytes)} is within ${kb(maxBytes)}` }
        : { 'zh-CN': `文件大小 ${kb(bytes)}，超过上限 ${kb(maxBytes)}`, en: `file size ${kb(bytes)} exceeds ${kb(maxBytes)}` } };
    },
  };
}

/** The file is between `minBytes` and `maxBytes`, both included. */
export function bytesRangeRule(minBytes: number, maxBytes: number): GateRuleCheck {
  return {
    id: 'bytes-range',
    evaluate: ({ bytes }) => {
      const pass = bytes >= minBytes && bytes <= maxBytes;
      const range = `${kb(minBytes)}–${kb(maxBytes)}`;
      return { id: 'bytes-range', pass, value: measured(bytes), threshold: `${minBytes}–${maxBytes}`, unit: 'B', message: pass
        ? { 'zh-CN': `文件大小 ${kb(bytes)}，在 ${range} 之间`, en: `file size ${kb(bytes)} is within ${range}` }
        : { 'zh-CN': `文件大小 ${kb(bytes)}，须在 ${range} 之间`, en: `file size ${kb(bytes)} is outside ${range}` } };
    },
  };
}

/** Width equals height, exactly: pixel sizes are integers, and a marketplace that says square crops anything else. */
export function squareRule(): GateRuleCheck {
  return {
    id: 'aspect-ratio',
    evaluate: ({ features: f }) => {
      const pass = f.widthPx === f.heightPx && f.widthPx > 0;
      return { id: 'aspect-ratio', pass, value: measured(f.widthPx / f.heightPx), threshold: '1:1', message: pass
        ? { 'zh-CN': '图片为正方形 (1:1)', en: 'the image is square (1:1)' }
        : { 'zh-CN': `图片为 ${size(f.widthPx, f.heightPx)}，须为正方形 (1:1)`, en: `the image is ${size(f.widthPx, f.heightPx)}; it must be square (1:1)` } };
    },
  };
}

/** Both sides are at least `minPx`. */
export function minSideRule(minPx: number): GateRuleCheck {
  return {
    id: 'min-side',
    evaluate: ({ features: f }) => {
      const shortest = Math.min(f.widthPx, f.heightPx);
      const pass = shortest >= minPx;
      return { id: 'min-side', pass, value: measured(shortest), threshold: `≥ ${minPx}`, unit: 'px', message: pass
        ? { 'zh-CN': `短边 ${shortest} px，不小于 ${minPx} px`, en: `the shorter side, ${shortest} px, is at least ${minPx} px` }
        : { 'zh-CN': `短边 ${shortest} px，须不小于 ${minPx} px`, en: `the shorter side is ${shortest} px; it must be at least ${minPx} px` } };
    },
  };
}

/** The longer side is at least `minPx`. */
export function longestSideRule(minPx: number): GateRuleCheck {
  return {
    id: 'longest-side',
    evaluate: ({ features: f }) => {
      const longest = Math.max(f.widthPx, f.heightPx);
      const pass = longest >= minPx;
      return { id: 'longest-side', pass, value: measured(longest), threshold: `≥ ${minPx}`, unit: 'px', message: pass
        ? { 'zh-CN': `长边 ${longest} px，不小于 ${minPx} px`, en: `the longer side, ${longest} px, is at least ${minPx} px` }
        : { 'zh-CN': `长边 ${longest} px，须不小于 ${minPx} px`, en: `the longer side is ${longest} px; it must be at least ${minPx} px` } };
    },
  };
}

/** The image is exactly `widthPx` × `heightPx`. */
export function exactSizeRule(widthPx: number, heightPx: number): GateRuleCheck {
  return {
    id: 'dimensions',
    evaluate: ({ features: f }) => {
      const pass = f.widthPx === widthPx && f.heightPx === heightPx;
      const want = size(widthPx, heightPx);
      return { id: 'dimensions', pass, value: size(f.widthPx, f.heightPx), threshold: `= ${want}`, unit: 'px', message: pass
        ? { 'zh-CN': `尺寸为 ${want}`, en: `the image is ${want}` }
        : { 'zh-CN': `尺寸为 ${size(f.widthPx, f.heightPx)}，须为 ${want}`, en: `the image is ${size(f.widthPx, f.heightPx)}; it must be ${want}` } };
    },
  };
}

/** At least `minRatio` of the border pixels are exactly (255, 255, 255). */
export function pureWhiteBorderRule(id: string, minRatio: number): GateRuleCheck {
  return {
    id,
    evaluate: ({ features: f }) => {
      const value = f.borderPureWhiteRatio;
      const pass = value >= minRatio;
      return { id, pass, value: measured(value), threshold: `≥ ${minRatio}`, message: pass
        ? { 'zh-CN': `边缘 ${pct(value)} 为纯白 (255,255,255)`, en: `${pct(value)} of the border is pure white (255,255,255)` }
        : { 'zh-CN': `边缘仅 ${pct(value)} 为纯白 (255,255,255)，须至少 ${pct(minRatio)}`, en: `only ${pct(value)} of the border is pure white (255,255,255); at least ${pct(minRatio)} is required` } };
    },
  };
}

/** A product was separated from the background, and it is one piece. */
export function singleSubjectRule(): GateRuleCheck {
  return {
    id: 'single-subject',
    evaluate: ({ features: f }) => {
      const count = f.productFound === 1 ? f.subjectCount : 0;
      const pass = count === 1;
      return { id: 'single-subject', pass, value: measured(count), threshold: '= 1', message: pass
        ? { 'zh-CN': '画面中只有一个主体', en: 'the image has one subject' }
        : count === 0
          ? { 'zh-CN': '未能从背景中分离出主体', en: 'no subject could be separated from the background' }
          : { 'zh-CN': `画面中有 ${count} 个主体，须只有一个`, en: `the image has ${count} subjects; it must have one` } };
    },
  };
}

/** The product's centroid is within `maxOffset` (share of the half-diagonal) of the frame centre. */
export function centredRule(maxOffset: number): GateRuleCheck {
  return {
    id: 'centred',
    evaluate: ({ features: f }) => {
      const found = f.productFound === 1;
      const pass = found && f.centroidOffset <= maxOffset;
      return { id: 'centred', pass, value: measured(f.centroidOffset), threshold: `≤ ${maxOffset}`, message: !found
        ? { 'zh-CN': '未找到主体，无法判断是否居中', en: 'no subject was found, so it cannot be centred' }
        : pass
          ? { 'zh-CN': `主体居中（偏移 ${pct(f.centroidOffset)}）`, en: `the subject is centred (offset ${pct(f.centroidOffset)})` }
          : { 'zh-CN': `主体偏离中心 ${pct(f.centroidOffset)}，须不超过 ${pct(maxOffset)}`, en: `the subject is ${pct(f.centroidOffset)} off centre; at most ${pct(maxOffset)} is allowed` } };
    },
  };
}

/** The product's bounding box is at least `minPx` × `minPx`. */
export function subjectMinSizeRule(minPx: number): GateRuleCheck {
  return {
    id: 'subject-size',
    evaluate: ({ features: f }) => {
      const found = f.productFound === 1;
      const pass = found && f.bboxWidthPx >= minPx && f.bboxHeightPx >= minPx;
      const got = found ? size(f.bboxWidthPx, f.bboxHeightPx) : '0×0';
      const want = size(minPx, minPx);
      return { id: 'subject-size', pass, value: got, threshold: `≥ ${want}`, unit: 'px', message: pass
        ? { 'zh-CN': `主体尺寸 ${got}，不小于 ${want}`, en: `the subject is ${got}, at least ${want}` }
        : { 'zh-CN': `主体尺寸 ${got}，须不小于 ${want}`, en: `the subject is ${got}; it must be at least ${want}` } };
    },
  };
}

/** The product spans at least `minFill` of the frame along its longer extent (`bboxFill`). */
export function productFillRule(minFill: number): GateRuleCheck {
  return {
    id: 'product-fill',
    evaluate: ({ features: f }) => {
      const value = f.productFound === 1 ? f.bboxFill : 0;
      const pass = value >= minFill;
      return { id: 'product-fill', pass, value: measured(value), threshold: `≥ ${minFill}`, message: pass
        ? { 'zh-CN': `商品占画面 ${pct(value)}`, en: `the product fills ${pct(value)} of the frame` }
        : { 'zh-CN': `商品仅占画面 ${pct(value)}，须至少 ${pct(minFill)}`, en: `the product fills ${pct(value)} of the frame; at least ${pct(minFill)} is required` } };
    },
  };
}

/**
 * "No text": two rules, so each reports its own measure. `text-area` bounds the union of all boxes;
 * `text-boxes` counts boxes the detector is confident about. Thresholds in `tolerances.ts`.
 */
export function noTextRules(): GateRuleCheck[] {
  return [
    {
      id: 'text-area',
      evaluate: ({ text }) => {
        const value = text.textAreaRatio;
        const pass = value <= maxTextAreaRatio;
        return { id: 'text-area', pass, value: measured(value), threshold: `≤ ${maxTextAreaRatio}`, message: pass
          ? { 'zh-CN': `文字面积占 ${pct(value)}，视为无文字`, en: `text covers ${pct(value)} of the frame: no text` }
          : { 'zh-CN': `检测到文字，面积占 ${pct(value)}，须不超过 ${pct(maxTextAreaRatio)}`, en: `text covers ${pct(value)} of the frame; at most ${pct(maxTextAreaRatio)} is allowed` } };
      },
    },
    {
      id: 'text-boxes',
      evaluate: ({ text }) => {
        const count = text.boxes.filter((b) => !(b.score < confidentTextScore)).length;
        const pass = count === 0;
        return { id: 'text-boxes', pass, value: measured(count), threshold: `= 0 with score ≥ ${confidentTextScore}`, message: pass
          ? { 'zh-CN': '未检测到文字、标志或水印', en: 'no text, logo or watermark was detected' }
          : { 'zh-CN': `检测到 ${count} 处文字（可能是文字、标志或水印）`, en: `${count} text region${count === 1 ? '' : 's'} detected (text, logo or watermark)` } };
      },
    },
  ];
}

/** A measured number as reported: rounded for reading, and never NaN (which JSON would turn into null). */
export function measured(v: number): number | string {
  return Number.isFinite(v) ? round(v, 4) : 'not measured';
}

export function size(widthPx: number, heightPx: number): string {
  return `${widthPx}×${heightPx}`;
}

function round(v: number, digits: number): number {
  const k = 10 ** digits;
  return Math.round(v * k) / k;
}

function pct(v: number): string {
  return `${round(v * 100, 2)}%`;
}

/** Bytes for people, with the exact count beside them since the marketplaces leave their units ambiguous. */
function kb(bytes: number): string {
  return bytes >= 1_000_000 ? `${round(bytes / 1_000_000, 2)} MB (${bytes} B)` : `${round(bytes / 1000, 1)} KB (${bytes} B)`;
}
