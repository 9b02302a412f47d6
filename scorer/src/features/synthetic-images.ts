import sharp from 'sharp';

/**
 * Images with known answers, drawn at test time (so no test depends on files nobody can regenerate): flat fields,
 * squares on white, and a few photograph-like products for checks that must hold beyond the fixture photos.
 */

/** A flat PNG of one colour. */
export function flatImage(widthPx: number, heightPx: number, hex = '#808080'): Promise<Buffer> {
  return sharp({ create: { width: widthPx, height: heightPx, channels: 3, background: hex } }).png().toBuffer();
}

/** A filled rectangle, in pixels. */
export interface Rect {
  left: number;
  top: number;
  width: number;
  height: number;
  /** Fill colour. @defaultValue black */
  hex?: string;
}

/** Rectangles on a white PNG, drawn pixel-exact (no anti-aliasing, so areas, boxes and centroids are exact). */
export async function rectsOnWhite(widthPx: number, heightPx: number, rects: readonly Rect[]): Promise<Buffer> {
  const data = Buffer.alloc(widthPx * heightPx * 3, 255);
  for (const r of rects) {
    const [cr, cg, cb] = hexToRgb(r.hex ?? '#000000');
    for (let y = Math.max(0, r.top); y < Math.min(heightPx, r.top + r.height); y++) {
      for (let x = Math.max(0, r.left); x < Math.min(widthPx, r.left + r.width); x++) {
        const i = (y * widthPx + x) * 3;
        data[i] = cr;
        data[i + 1] = cg;
        data[i + 2] = cb;
      }
    }
  }
  return sharp(data, { raw: { width: widthPx, height: heightPx, channels: 3 } }).png().toBuffer();
}

/** The photograph-like products {@link syntheticProduct} can draw. */
export const syntheticProductKinds = ['bottle', 'striped-box', 'shoes', 'ball', 'mug', 'card'] as const;
export type SyntheticProductKind = (typeof syntheticProductKinds)[number];

/**
 * A product photo drawn with sharp: a shaded product on a white or softly graded backdrop with a contact shadow,
 * slightly soft (as any lens is) and stored as a quality-90 JPEG. Coordinates avoid the 8-pixel JPEG grid, as a
 * photograph's edges would.
 */
export async function syntheticProduct(kind: SyntheticProductKind, sidePx = 1000): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${sidePx}" height="${sidePx}" viewBox="0 0 100 100">
  <defs>
    <linearGradient id="shade" x1="0" x2="1"><stop offset="0" stop-color="#000" stop-opacity="0.35"/>
      <stop offset="0.45" stop-color="#fff" stop-opacity="0.25"/><stop offset="1" stop-color="#000" stop-opacity="0.45"/></linearGradient>
    <linearGradient id="backdrop" x1="0" x2="0" y1="0" y2="1"><stop offset="0" stop-color="${kind === 'ball' || kind === 'mug' ? '#f3efe9' : '#ffffff'}"/>
      <stop offset="1" stop-color="${kind === 'ball' || kind === 'mug' ? '#ddd3c4' : '#ffffff'}"/></linearGradient>
    <radialGradient id="shadow"><stop offset="0" stop-color="#000" stop-opacity="0.35"/><stop offset="1" stop-color="#000" stop-opacity="0"/></radialGradient>
  </defs>
  <rect width="100" height="100" fill="url(#backdrop)"/>
  <ellipse cx="50.3" cy="85.7" rx="26.1" ry="3.3" fill="url(#shadow)"/>
  ${productSvg(kind)}
</svg>`;
  return sharp(Buffer.from(svg)).blur(0.7).jpeg({ quality: 90 }).toBuffer();
}

function productSvg(kind: SyntheticProductKind): string {
  switch (kind) {
    case 'bottle':
      return `<rect x="43.3" y="11.7" width="13.1" height="9.3" rx="1.7" fill="#2b2b2b"/>
        <rect x="31.3" y="19.6" width="37.3" height="65.7" rx="8.7" fill="#a3243a"/><rect x="31.3" y="19.6" width="37.3" height="65.7" rx="8.7" fill="url(#shade)"/>
        <rect x="31.3" y="41.3" width="37.3" height="21.1" fill="#e9b949"/>
        <text x="50.1" y="54.3" font-size="6.3" font-family="sans-serif" text-anchor="middle" fill="#3a2a1a">SHOTFARM</text>`;
    case 'striped-box':
      return `<g transform="rotate(-7 50 52)">${Array.from({ length: 11 }, (_, i) =>
        `<rect x="23.3" y="${23.7 + i * 5.3}" width="53.3" height="2.9" fill="${i % 2 ? '#23435a' : '#c8843b'}"/>`).join('')}
        <rect x="23.3" y="23.7" width="53.3" height="57.4" fill="none" stroke="#1a1a1a" stroke-width="0.9"/>
        <rect x="23.3" y="23.7" width="53.3" height="57.4" fill="url(#shade)"/></g>`;
    case 'shoes':
      return `<path d="M8.3 62.1 Q13.4 38.3 36.1 43.2 L49.3 56.6 Q50.1 69.3 40.2 70.9 L10.1 70.9 Z" fill="#262626"/>
        <path d="M54.7 62.3 Q59.9 38.1 82.6 43.3 L95.1 56.2 Q96.3 69.9 86.2 71.3 L56.4 71.3 Z" fill="#8f2f2f"/>
        <circle cx="31.1" cy="52.9" r="1.9" fill="#eee"/><circle cx="77.3" cy="53.7" r="1.9" fill="#eee"/>
        <path d="M8.3 62.1 Q13.4 38.3 36.1 43.2 L49.3 56.6 Q50.1 69.3 40.2 70.9 L10.1 70.9 Z" fill="url(#shade)"/>`;
    case 'ball':
      return `<radialGradient id="ball" cx="0.37" cy="0.33"><stop offset="0" stop-color="#9fe3ff"/><stop offset="1" stop-color="#0b4a73"/></radialGradient>
        <circle cx="50.4" cy="55.3" r="27.7" fill="url(#ball)"/>
        <text x="50.2" y="58.1" font-size="5.9" font-family="serif" text-anchor="middle" fill="#fff">AQUA 250 ml</text>`;
    case 'mug':
      return `<rect x="27.7" y="33.1" width="38.9" height="49.3" rx="4.3" fill="#f7f3ea"/><rect x="27.7" y="33.1" width="38.9" height="49.3" rx="4.3" fill="url(#shade)"/>
        <path d="M66.6 44.2 Q81.3 45.1 80.1 58.3 Q78.9 69.7 66.6 70.1" fill="none" stroke="#e9e2d2" stroke-width="4.7"/>
        <rect x="33.3" y="49.1" width="27.1" height="11.3" fill="#2f6b4f"/><text x="46.9" y="57.1" font-size="5.1" font-family="sans-serif" text-anchor="middle" fill="#fff">MORNING</text>`;
    case 'card':
      return `<rect x="21.3" y="13.7" width="57.3" height="71.1" fill="#efe3c7" stroke="#a89071" stroke-width="0.6"/>
        ${Array.from({ length: 9 }, (_, i) => `<rect x="27.1" y="${21.3 + i * 6.1}" width="${29.3 + ((i * 37) % 17)}" height="2.1" fill="#333"/>`).join('')}
        <circle cx="69.3" cy="74.1" r="5.7" fill="#c22"/>`;
  }
}

function hexToRgb(hex: string): [number, number, number] {
  const v = Number.parseInt(hex.replace('#', ''), 16);
  return [(v >> 16) & 255, (v >> 8) & 255, v & 255];
}
