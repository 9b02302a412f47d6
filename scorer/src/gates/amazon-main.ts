import { defineGateProfile } from './gate.ts';
import { longestSideRule, noTextRules, productFillRule, pureWhiteBorderRule } from './gate-rules.ts';
import { amazonMinBboxFill, minBorderPureWhiteRatio } from './tolerances.ts';

/**
 * Amazon main image: pure white (255, 255, 255) background, the product filling at least 85% of the frame,
 * a longest side of 1000 px or more (the size at which Amazon enables zoom), and no text, logo or watermark.
 * The background is read on the border, the one region certain to be background when the product fills the frame.
 * Graphic logos without lettering are not detected: the text detector finds lettering only.
 */
export const amazonMain = defineGateProfile({
  id: 'amazon-main',
  label: { 'zh-CN': '亚马逊主图', en: 'Amazon main image' },
  rules: [
    pureWhiteBorderRule('white-background', minBorderPureWhiteRatio),
    productFillRule(amazonMinBboxFill),
    longestSideRule(1000),
    ...noTextRules(),
  ],
});
