import { describe, expect, it } from 'vitest';
import { downloadName, downloadUrl } from './download-name.ts';

describe('downloadName', () => {
  it('names a file by job, recipe and number, with the extension of its type', () => {
    expect(downloadName({ jobId: '3f9a2c1b-0000-4000-8000-000000000000', recipeId: 'product-shot/studio-local', n: 2, mime: 'image/jpeg' })).toBe('3f9a2c1b-studio-local-2.jpg');
    expect(downloadName({ jobId: null, recipeId: 'short-video/slideshow-local', n: 1, mime: 'video/mp4' })).toBe('shotfarm-slideshow-local-1.mp4');
  });

  it('prefers a SKU and keeps it readable but safe', () => {
    expect(downloadName({ jobId: 'x', sku: '春季/T恤 01', recipeId: null, n: 3, mime: 'image/png' })).toBe('春季-T恤-01-3.png');
  });
});

describe('downloadUrl', () => {
  it('asks the studio\'s own file route for an attachment, and leaves an S3 URL alone', () => {
    expect(downloadUrl('http://h/files/a/b.png?exp=1&sig=2', 'x-1.png')).toBe('http://h/files/a/b.png?exp=1&sig=2&download=x-1.png');
    const s3 = 'https://bucket.s3.amazonaws.com/a/b.png?X-Amz-Signature=1';
    expect(downloadUrl(s3, 'x.png')).toBe(s3);
  });
});
