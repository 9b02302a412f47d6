import { inflateSync } from 'node:zlib';
import { jsonDepth } from '@shotfarm/shared';
import { invalidWorkflow, workflowTooComplex, workflowTooLarge } from './workflow-import-error.ts';

/**
 * Reads the workflow ComfyUI embeds in what it saves. SaveImage writes PNG text chunks `prompt` (API
 * format) and `workflow` (UI format); SaveAnimatedWEBP writes EXIF IFD0 strings `prompt:<json>` (tag 0x0110,
 * Model) and `workflow:<json>` (0x010F, Make, counting down for further extra_pnginfo keys).
 */

export interface EmbeddedWorkflow {
  /** The API-format graph, when the file carries one. */
  prompt?: unknown;
  /** The UI-format workflow, when the file carries one. */
  workflow?: unknown;
  format: 'png' | 'webp';
}

const pngSignature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
/** Metadata keys ComfyUI writes that we read. */
const embeddedKeys = ['prompt', 'workflow'] as const;
type EmbeddedKey = (typeof embeddedKeys)[number];
const isEmbeddedKey = (k: string): k is EmbeddedKey => (embeddedKeys as readonly string[]).includes(k);

export const isPng = (bytes: Buffer): boolean => bytes.subarray(0, 8).equals(pngSignature);
export const isWebp = (bytes: Buffer): boolean =>
  bytes.length >= 12 && bytes.toString('latin1', 0, 4) === 'RIFF' && bytes.toString('latin1', 8, 12) === 'WEBP';

/** Largest text a compressed chunk may inflate to unless the caller says otherwise: a 0.6 MB zTXt once cost 800 MB. */
export const defaultMaxTextBytes = 4 * 1024 * 1024;

/**
 * Inflate a zTXt/iTXt body, never past `maxBytes` (zlib stops there instead of growing a buffer without end).
 * Data that is not valid deflate is the file's fault: SF_WORKFLOW_INVALID, not a crash.
 */
function inflateText(keyword: string, body: Buffer, maxBytes: number): Buffer {
  try {
    return inflateSync(body, { maxOutputLength: Math.max(1, maxBytes) });
  } catch (e) {
    if ((e as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE' || e instanceof RangeError) {
      throw workflowTooLarge(`the image's compressed "${keyword}" text inflates to more than ${maxBytes} bytes`);
    }
    throw invalidWorkflow(`the image's compressed "${keyword}" text is not valid deflate data`);
  }
}

/** PNG text chunks (tEXt, zTXt, iTXt) as keyword → text; compressed ones are inflated to at most `maxTextBytes` each. */
export function pngTextChunks(bytes: Buffer, maxTextBytes = defaultMaxTextBytes): Map<string, string> {
  const texts = new Map<string, string>();
  // One budget for all chunks together: a hundred chunks each just under the cap must not add up to gigabytes.
  let budget = maxTextBytes;
  const take = (keyword: string, text: Buffer): Buffer => {
    if (text.length > budget) throw workflowTooLarge(`the image's text chunks hold more than ${maxTextBytes} bytes`);
    budget -= text.length;
    return text;
  };
  let at = 8;
  while (at + 12 <= bytes.length) {
    const length = bytes.readUInt32BE(at);
    const type = bytes.toString('latin1', at + 4, at + 8);
    const data = bytes.subarray(at + 8, Math.min(at + 8 + length, bytes.length));
    at += 12 + length;
    const nul = data.indexOf(0);
    if (nul <= 0) {
      if (type === 'IEND') break;
      continue;
    }
    const keyword = data.toString('latin1', 0, nul);
    if (type === 'tEXt') texts.set(keyword, take(keyword, data.subarray(nul + 1)).toString('latin1'));
    else if (type === 'zTXt') texts.set(keyword, take(keyword, inflateText(keyword, data.subarray(nul + 2), budget)).toString('latin1'));
    else if (type === 'iTXt') {
      const compressed = data[nul + 1] === 1;
      const langEnd = data.indexOf(0, nul + 3);
      const transEnd = langEnd < 0 ? -1 : data.indexOf(0, langEnd + 1);
      if (transEnd < 0) continue;
      const body = data.subarray(transEnd + 1);
      texts.set(keyword, take(keyword, compressed ? inflateText(keyword, body, budget) : body).toString('utf8'));
    }
  }
  return texts;
}

/** ASCII strings of a TIFF (EXIF) block's IFD0. */
export function exifStrings(tiff: Buffer): string[] {
  const block = tiff.toString('latin1', 0, 6) === 'Exif\0\0' ? tiff.subarray(6) : tiff;
  if (block.length < 8) return [];
  const order = block.toString('latin1', 0, 2);
  if (order !== 'II' && order !== 'MM') return [];
  const u16 = (o: number): number => (order === 'II' ? block.readUInt16LE(o) : block.readUInt16BE(o));
  const u32 = (o: number): number => (order === 'II' ? block.readUInt32LE(o) : block.readUInt32BE(o));
  const ifd = u32(4);
  if (ifd + 2 > block.length) return [];
  const count = u16(ifd);
  const strings: string[] = [];
  for (let i = 0; i < count; i++) {
    const entry = ifd + 2 + i * 12;
    if (entry + 12 > block.length) break;
    const type = u16(entry + 2);
    const n = u32(entry + 4);
    // 2 = ASCII; 7 = UNDEFINED, which some writers use for long text.
    if (type !== 2 && type !== 7) continue;
    const start = n <= 4 ? entry + 8 : u32(entry + 8);
    if (start + n > block.length) continue;
    strings.push(block.toString('utf8', start, start + n).replace(/\0+$/, ''));
  }
  return strings;
}

/** WebP RIFF chunks by FourCC (first of each). */
function webpChunks(bytes: Buffer): Map<string, Buffer> {
  const chunks = new Map<string, Buffer>();
  let at = 12;
  while (at + 8 <= bytes.length) {
    const fourcc = bytes.toString('latin1', at, at + 4);
    const size = bytes.readUInt32LE(at + 4);
    if (!chunks.has(fourcc)) chunks.set(fourcc, bytes.subarray(at + 8, Math.min(at + 8 + size, bytes.length)));
    at += 8 + size + (size % 2);
  }
  return chunks;
}

/** Nesting deeper than this in an embedded or uploaded workflow is refused before parsing (real graphs nest < 10). */
export const maxWorkflowDepth = 64;

function parseEmbedded(key: EmbeddedKey, text: string): unknown {
  if (jsonDepth(text, maxWorkflowDepth) > maxWorkflowDepth) throw workflowTooComplex(`the image's embedded "${key}" is nested more than ${maxWorkflowDepth} levels deep`);
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw invalidWorkflow(`the image's embedded "${key}" is not valid JSON (${(e as Error).message})`);
  }
}

/** `key:<json>` strings (EXIF or XMP text) → the keys we know. */
function fromPrefixedStrings(strings: string[], into: EmbeddedWorkflow): void {
  for (const s of strings) {
    const colon = s.indexOf(':');
    const key = colon > 0 ? s.slice(0, colon) : '';
    if (isEmbeddedKey(key) && into[key] === undefined) into[key] = parseEmbedded(key, s.slice(colon + 1));
  }
}

/**
 * The workflow embedded in a PNG or WebP, or null when the image carries none. Throws `SF_WORKFLOW_INVALID`
 * when the bytes are not PNG/WebP or the embedded JSON is broken.
 */
export function extractWorkflowFromImage(bytes: Buffer, maxTextBytes = defaultMaxTextBytes): EmbeddedWorkflow | null {
  let found: EmbeddedWorkflow;
  if (isPng(bytes)) {
    found = { format: 'png' };
    for (const [keyword, text] of pngTextChunks(bytes, maxTextBytes)) if (isEmbeddedKey(keyword)) found[keyword] = parseEmbedded(keyword, text);
  } else if (isWebp(bytes)) {
    found = { format: 'webp' };
    const chunks = webpChunks(bytes);
    const exif = chunks.get('EXIF');
    if (exif) fromPrefixedStrings(exifStrings(exif), found);
  } else {
    throw invalidWorkflow('the file is neither JSON nor a PNG or WebP image that could carry a ComfyUI workflow');
  }
  return found.prompt === undefined && found.workflow === undefined ? null : found;
}
