import { access } from 'node:fs/promises';
import { TaskError } from '@shotfarm/shared';

/**
 * CJK fonts Debian ships, best first. Looked up by path at run time, not through fontconfig: sharp's
 * prebuilt libvips carries its own fontconfig, which may not see the system's font cache.
 * fonts-wqy-microhei is what the image and .ci/run install.
 */
export const defaultCaptionFonts: readonly CaptionFont[] = [
  { file: '/usr/share/fonts/truetype/wqy/wqy-microhei.ttc', family: 'WenQuanYi Micro Hei' },
  { file: '/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc', family: 'WenQuanYi Zen Hei' },
  { file: '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc', family: 'Noto Sans CJK SC' },
  { file: '/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf', family: 'Droid Sans Fallback' },
];

/** A font file and the family name Pango must ask for to pick it (the file alone only registers it). */
export interface CaptionFont {
  file: string;
  family: string;
}

/** The first font file that exists; a coded failure (not a caption in tofu boxes) when there is none. */
export async function findCaptionFont(candidates: readonly CaptionFont[] = defaultCaptionFonts): Promise<CaptionFont> {
  for (const font of candidates) {
    try {
      await access(font.file);
      return font;
    } catch { /* try the next one */ }
  }
  throw new TaskError('SF_RENDER_FONT_MISSING', `no CJK font for the caption; tried ${candidates.map((f) => f.file).join(', ')} (install fonts-wqy-microhei)`);
}
