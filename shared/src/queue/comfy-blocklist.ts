import { ComfyBlocklistRecord } from '../schemas/farm-status.ts';

/**
 * One field value of the `comfyBlocklistKey` hash, if it is a well-formed record that has not lapsed.
 * Redis is an edge: anything else (garbage, another version's shape, a dead worker's entry) is undefined.
 */
export function liveComfyBlocklistRecord(value: string, now: number = Date.now()): ComfyBlocklistRecord | undefined {
  let json: unknown;
  try {
    json = JSON.parse(value);
  } catch {
    return undefined;
  }
  const parsed = ComfyBlocklistRecord.safeParse(json);
  return parsed.success && Date.parse(parsed.data.expiresAt) > now ? parsed.data : undefined;
}
