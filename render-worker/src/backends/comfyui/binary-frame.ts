/** A sampler preview from a binary websocket frame (../shared/protocols/comfyui.md §2.6). */
export interface PreviewFrame {
  mime: 'image/jpeg' | 'image/png';
  image: Buffer;
  /** Present only in type-4 frames; type-1 previews belong to the node of the latest `progress`. */
  promptId: string | undefined;
  nodeId: string | undefined;
}

const previewImage = 1;
const previewImageWithMetadata = 4;

/**
 * Decode a binary frame, or `undefined` for types we do not use (3 = TEXT) or cannot read: the protocol
 * says to log and skip unknown types rather than throw. The format word of type 1 sits at offset 4,
 * not 0 or 1 as two npm clients read it.
 */
export function decodeBinaryFrame(frame: Buffer): PreviewFrame | undefined {
  if (frame.length < 8) return undefined;
  const type = frame.readUInt32BE(0);
  if (type === previewImage) {
    const format = frame.readUInt32BE(4);
    if (format !== 1 && format !== 2) return undefined;
    return { mime: format === 1 ? 'image/jpeg' : 'image/png', image: frame.subarray(8), promptId: undefined, nodeId: undefined };
  }
  if (type === previewImageWithMetadata) {
    const metaLength = frame.readUInt32BE(4);
    if (8 + metaLength > frame.length) return undefined;
    let meta: { prompt_id?: unknown; node_id?: unknown; image_type?: unknown };
    try {
      meta = JSON.parse(frame.subarray(8, 8 + metaLength).toString('utf8')) as typeof meta;
    } catch {
      return undefined;
    }
    return {
      mime: meta.image_type === 'image/png' ? 'image/png' : 'image/jpeg',
      image: frame.subarray(8 + metaLength),
      promptId: typeof meta.prompt_id === 'string' ? meta.prompt_id : undefined,
      nodeId: typeof meta.node_id === 'string' ? meta.node_id : undefined,
    };
  }
  return undefined;
}

/** The inverse, for tests and the protocol double: type 4 when `meta` is given, else type 1. */
export function encodeBinaryFrame(preview: { mime: 'image/jpeg' | 'image/png'; image: Buffer; meta?: Record<string, unknown> }): Buffer {
  const head = Buffer.alloc(8);
  if (!preview.meta) {
    head.writeUInt32BE(previewImage, 0);
    head.writeUInt32BE(preview.mime === 'image/jpeg' ? 1 : 2, 4);
    return Buffer.concat([head, preview.image]);
  }
  const meta = Buffer.from(JSON.stringify({ ...preview.meta, image_type: preview.mime }), 'utf8');
  head.writeUInt32BE(previewImageWithMetadata, 0);
  head.writeUInt32BE(meta.length, 4);
  return Buffer.concat([head, meta, preview.image]);
}
