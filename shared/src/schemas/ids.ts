import { z } from 'zod';

/** Every row id: a UUIDv7, so ids sort by creation time and serve directly as paging cursors. */
export const Id = z.uuid();
export type Id = z.infer<typeof Id>;

/**
 * A new UUIDv7 (RFC 9562): 48 bits of Unix milliseconds, then random bits.
 * Node 20 has only v4 in `crypto.randomUUID`, which does not sort.
 */
export function newId(nowMs: number = Date.now()): Id {
  // Web Crypto, so the browser-safe entry stays free of node: imports.
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(16));
  for (let i = 5, ms = nowMs; i >= 0; i--, ms = Math.floor(ms / 256)) bytes[i] = ms % 256;
  bytes[6] = 0x70 | (bytes[6]! & 0x0f);
  bytes[8] = 0x80 | (bytes[8]! & 0x3f);
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
