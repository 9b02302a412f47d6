import { describe, expect, it } from 'vitest';
import { decodeBinaryFrame, encodeBinaryFrame } from './binary-frame.ts';

const u32 = (n: number) => { const b = Buffer.alloc(4); b.writeUInt32BE(n); return b; };

describe('binary websocket frames (protocol §2.6)', () => {
  it('reads the type-1 image format at offset 4', () => {
    const png = Buffer.from('png-bytes');
    expect(decodeBinaryFrame(Buffer.concat([u32(1), u32(2), png]))).toEqual({ mime: 'image/png', image: png, promptId: undefined, nodeId: undefined });
    expect(decodeBinaryFrame(Buffer.concat([u32(1), u32(1), png]))?.mime).toBe('image/jpeg');
  });

  it('reads type-4 metadata: prompt, node and image type', () => {
    const meta = Buffer.from(JSON.stringify({ node_id: '3', prompt_id: 'p1', image_type: 'image/png' }));
    const frame = decodeBinaryFrame(Buffer.concat([u32(4), u32(meta.length), meta, Buffer.from('img')]));
    expect(frame).toEqual({ mime: 'image/png', image: Buffer.from('img'), promptId: 'p1', nodeId: '3' });
  });

  it('skips text frames, unknown types and truncated frames instead of throwing', () => {
    expect(decodeBinaryFrame(Buffer.concat([u32(3), u32(1), Buffer.from('3hello')]))).toBeUndefined();
    expect(decodeBinaryFrame(Buffer.concat([u32(9), u32(0)]))).toBeUndefined();
    expect(decodeBinaryFrame(Buffer.concat([u32(4), u32(999), Buffer.from('{}')]))).toBeUndefined();
    expect(decodeBinaryFrame(u32(1))).toBeUndefined();
  });

  it('round-trips what the double encodes', () => {
    const image = Buffer.from('jpeg');
    expect(decodeBinaryFrame(encodeBinaryFrame({ mime: 'image/jpeg', image }))?.image).toEqual(image);
    expect(decodeBinaryFrame(encodeBinaryFrame({ mime: 'image/jpeg', image, meta: { prompt_id: 'x', node_id: '9' } }))).toMatchObject({ promptId: 'x', nodeId: '9' });
  });
});
