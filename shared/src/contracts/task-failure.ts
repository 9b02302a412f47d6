import { ErrorCodes, type ErrorCode } from '../errors/index.ts';

/**
 * BullMQ carries a failure across the queue as one string, `failedReason`. We write it as
 * `SF_CODE: message` so the manager can record a stable code without a second channel.
 */
export const formatFailure = (code: ErrorCode, message: string): string => `${code}: ${message}`;

const knownCodes = new Set<string>(Object.values(ErrorCodes));

export function parseFailure(reason: string | undefined): { code: ErrorCode; message: string } {
  const match = /^(SF_[A-Z_]+): ([\s\S]*)$/.exec(reason ?? '');
  if (match && knownCodes.has(match[1]!)) return { code: match[1] as ErrorCode, message: match[2]! };
  return { code: 'SF_RENDER_FAILED', message: reason || 'the render failed without a reason' };
}
