import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TextDetector } from '../text/index.ts';
import { evaluateGate } from './index.ts';
import { amazonShot, ruleOf, whiteShot } from '../../test/gate-input.ts';

// End to end for the text rules only: real images through the real detector into the gates. The other rules
// read features, which the extractor's own tests cover; here they come from the hand-made packshot vector.
// About 1 s with the model load, under the 2 s that would send it to the int project.

/** An 800×800 JPEG packshot: a blue bottle-like ellipse on pure white, with optional SVG laid over it. */
const packshot = (overlay = '') =>
  sharp(Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="800" height="800"><rect width="800" height="800" fill="#fff"/>
    <ellipse cx="400" cy="420" rx="200" ry="300" fill="#2e86c1"/>${overlay}</svg>`)).jpeg({ quality: 90 }).toBuffer();

const sans = 'DejaVu Sans, Liberation Sans, sans-serif';

describe('text rules on detected text', () => {
  let detector: TextDetector;
  beforeAll(async () => {
    detector = await TextDetector.create();
  });
  afterAll(async () => {
    await detector.close();
  });

  it('pass a clean packshot on taobao-white and amazon-main', async () => {
    const text = await detector.detect(await packshot());
    for (const [profile, input] of [['taobao-white', whiteShot({ text })], ['amazon-main', amazonShot({ text })]] as const) {
      const result = evaluateGate(profile, input);
      expect(ruleOf(result.rules, 'text-area')).toMatchObject({ pass: true, value: 0 });
      expect(ruleOf(result.rules, 'text-boxes')).toMatchObject({ pass: true, value: 0 });
      expect(result.pass).toBe(true);
    }
  });

  it('fail a promotional overlay "SALE 50% OFF" across the top', async () => {
    const text = await detector.detect(await packshot(`<text x="400" y="110" font-family="${sans}" font-weight="bold" font-size="80" text-anchor="middle" fill="#d00">SALE 50% OFF</text>`));
    const result = evaluateGate('taobao-white', whiteShot({ text }));
    expect(result.pass).toBe(false);
    expect(ruleOf(result.rules, 'text-area').pass).toBe(false);
    expect(ruleOf(result.rules, 'text-boxes').pass).toBe(false);
    expect(evaluateGate('amazon-main', amazonShot({ text })).pass).toBe(false);
  });

  it('fail a small watermark in a corner on text-boxes, though it is too small for text-area', async () => {
    const text = await detector.detect(await packshot(`<text x="780" y="780" font-family="${sans}" font-size="16" text-anchor="end" fill="#888">© shotfarm</text>`));
    const result = evaluateGate('amazon-main', amazonShot({ text }));
    expect(ruleOf(result.rules, 'text-area').pass).toBe(true);
    expect(ruleOf(result.rules, 'text-boxes')).toMatchObject({ pass: false, value: 1 });
    expect(result.pass).toBe(false);
  });
});
