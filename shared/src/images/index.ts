export { makeThumbnail, thumbnailSizePx } from './thumbnail.ts';
