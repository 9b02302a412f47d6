import { defineGateProfile } from './gate.ts';
import { bytesRangeRule, centredRule, exactSizeRule, formatRule, noTextRules, pureWhiteBorderRule, singleSubjectRule, subjectMinSizeRule } from './gate-rules.ts';
import { lowerKiloBytes, maxCentroidOffset, minBorderPureWhiteRatio, upperKiloBytes } from './tolerances.ts';

/**
 * Taobao white-background image (白底图), which Taobao reuses for search and recommendation cards: 800×800 JPEG of
 * 38–300 KB, a pure-white border, one centred subject of at least 300×300, and no text laid over the image.
 */
export const taobaoWhite = defineGateProfile({
  id: 'taobao-white',
  label: { 'zh-CN': '淘宝白底图', en: 'Taobao white-background image' },
  rules: [
    exactSizeRule(800, 800),
    formatRule(['jpeg']),
    bytesRangeRule(38 * lowerKiloBytes, 300 * upperKiloBytes),
    pureWhiteBorderRule('white-border', minBorderPureWhiteRatio),
    singleSubjectRule(),
    centredRule(maxCentroidOffset),
    subjectMinSizeRule(300),
    ...noTextRules(),
  ],
});
