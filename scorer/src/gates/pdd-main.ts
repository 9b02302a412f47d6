import { defineGateProfile } from './gate.ts';
import { maxBytesRule, minSideRule, squareRule } from './gate-rules.ts';
import { upperMegaBytes } from './tolerances.ts';

/** Pinduoduo main image (主图): square, at least 480×480, at most 1 MB. */
export const pddMain = defineGateProfile({
  id: 'pdd-main',
  label: { 'zh-CN': '拼多多主图', en: 'Pinduoduo main image' },
  rules: [squareRule(), minSideRule(480), maxBytesRule(upperMegaBytes)],
});
