import { createHmac, timingSafeEqual } from 'node:crypto';

/** Standard Webhooks' default window; Replicate names none (protocol §5.3 step 5). */
export const webhookToleranceS = 5 * 60;

export interface WebhookHeaders {
  id: string | undefined;
  timestamp: string | undefined;
  signature: string | undefined;
}

/** Why a delivery was refused: the route answers each with its own code. */
export type WebhookVerdict = 'ok' | 'signature-invalid' | 'timestamp-invalid';

export interface VerifyWebhookOptions {
  /** `whsec_<base64>` from `GET /v1/webhooks/default/secret`. */
  secret: string;
  headers: WebhookHeaders;
  /** The body exactly as received: re-serialised JSON would not match. */
  rawBody: Buffer;
  /** @defaultValue `Math.floor(Date.now() / 1000)` */
  nowS?: number;
}

/**
 * Checks a Replicate webhook per protocol §5.3: HMAC-SHA256 over `id.timestamp.body` with the decoded
 * secret, any of the space-separated `v1,<base64>` entries may match, compared in constant time. Unlike
 * the npm `validateWebhook` (§5.4) it also refuses timestamps outside ±{@link webhookToleranceS}.
 */
export function verifyReplicateWebhook(opts: VerifyWebhookOptions): WebhookVerdict {
  const { id, timestamp, signature } = opts.headers;
  if (!id || !timestamp || !signature) return 'signature-invalid';
  if (!/^\d{1,12}$/.test(timestamp)) return 'timestamp-invalid';
  const nowS = opts.nowS ?? Math.floor(Date.now() / 1000);
  if (Math.abs(nowS - Number(timestamp)) > webhookToleranceS) return 'timestamp-invalid';
  const key = Buffer.from(opts.secret.startsWith('whsec_') ? opts.secret.slice('whsec_'.length) : opts.secret, 'base64');
  const expected = createHmac('sha256', key)
    .update(Buffer.concat([Buffer.from(`${id}.${timestamp}.`, 'utf8'), opts.rawBody]))
    .digest();
  for (const entry of signature.split(' ')) {
    // Only the `v1` scheme is defined (HMAC-SHA256); an entry under any other version is no signature at all.
    if (!entry.startsWith('v1,')) continue;
    const given = Buffer.from(entry.slice('v1,'.length), 'base64');
    if (given.length === expected.length && timingSafeEqual(given, expected)) return 'ok';
  }
  return 'signature-invalid';
}
