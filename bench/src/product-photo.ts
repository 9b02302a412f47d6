import sharp from 'sharp';

/** JPEG quality of the generated photo: what a phone or a studio camera export looks like. */
const photoQuality = 90;

/**
 * A square JPEG "product photo": a shaded, labelled bottle-like shape on a near-white backdrop, which the
 * local cut-out separates by border colour. Generated, not read from fixtures, so every machine benchmarks
 * the same pixels and the bench needs nothing beside the repo.
 */
export async function makeProductPhoto(sidePx: number): Promise<Buffer> {
  const s = sidePx;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${s}" height="${s}" viewBox="0 0 100 100">
  <defs>
    <linearGradient id="body" x1="0" x2="1" y1="0" y2="0">
      <stop offset="0" stop-color="#8a1c2b"/><stop offset="0.35" stop-color="#d4384e"/>
      <stop offset="0.55" stop-color="#e86a7a"/><stop offset="1" stop-color="#6e1421"/>
    </linearGradient>
    <linearGradient id="backdrop" x1="0" x2="0" y1="0" y2="1">
      <stop offset="0" stop-color="#f7f6f3"/><stop offset="1" stop-color="#efeeea"/>
    </linearGradient>
  </defs>
  <rect width="100" height="100" fill="url(#backdrop)"/>
  <ellipse cx="50" cy="86" rx="20" ry="3" fill="#d9d7d2"/>
  <rect x="42" y="12" width="16" height="10" rx="2" fill="#2b2b2b"/>
  <rect x="31" y="20" width="38" height="66" rx="9" fill="url(#body)"/>
  <rect x="31" y="42" width="38" height="22" fill="#e9b949"/>
  <text x="50" y="56" font-size="7" font-family="sans-serif" text-anchor="middle" fill="#3a2a1a">SHOTFARM</text>
  <ellipse cx="39" cy="32" rx="2.5" ry="7" fill="#ffffff" fill-opacity="0.35"/>
</svg>`;
  return sharp(Buffer.from(svg)).flatten({ background: '#f7f6f3' }).jpeg({ quality: photoQuality }).toBuffer();
}
