import { describe, expect, it } from 'vitest';
import { verifyReplicateWebhook } from './webhook-signature.ts';

// The test vector of ../shared/protocols/replicate.md §5.3 (accepted by the npm client's validateWebhook).
const vector = {
  secret: 'whsec_dGVzdC1vbmx5LWtleS0wMTIzNDU2Nzg5YWJjZGVmISE=',
  id: 'msg_test_0001',
  timestamp: '1700000000',
  body: '{"id":"p_test","status":"succeeded","output":["https://replicate.delivery/x/out-0.webp"]}',
  signature: 'v1,tckip/tSVeHCyjVRjnHu2h6F10/PB/Y/utWJb03Duns=',
};
const check = (over: Partial<typeof vector> & { nowS?: number } = {}) => {
  const v = { ...vector, ...over };
  return verifyReplicateWebhook({ secret: v.secret, rawBody: Buffer.from(v.body), headers: { id: v.id, timestamp: v.timestamp, signature: v.signature }, nowS: over.nowS ?? 1_700_000_100 });
};

describe('verifyReplicateWebhook', () => {
  it('accepts the protocol test vector', () => expect(check()).toBe('ok'));
  it('accepts when a later entry of a space-separated list matches', () => expect(check({ signature: `v1,AAAA ${vector.signature}` })).toBe('ok'));
  it('refuses another body, id or timestamp', () => {
    expect(check({ body: vector.body.replace('succeeded', 'failed') })).toBe('signature-invalid');
    expect(check({ id: 'msg_test_0002' })).toBe('signature-invalid');
    expect(check({ timestamp: '1700000001' })).toBe('signature-invalid');
  });
  it('refuses a wrong secret and a truncated signature', () => {
    expect(check({ secret: 'whsec_b3RoZXIta2V5LW90aGVyLWtleS1vdGhlcg==' })).toBe('signature-invalid');
    expect(check({ signature: vector.signature.slice(0, 20) })).toBe('signature-invalid');
  });
  it('accepts only the v1 scheme: the right signature under another version prefix is refused', () => {
    const sig = vector.signature.slice('v1,'.length);
    for (const prefix of ['v0,', 'v2,', 'V1,', ',', 'v1a,']) expect(check({ signature: `${prefix}${sig}` })).toBe('signature-invalid');
    expect(check({ signature: `v0,${sig} ${vector.signature}` })).toBe('ok');
  });
  it('refuses missing headers', () => expect(check({ signature: '' })).toBe('signature-invalid'));
  it('refuses timestamps more than five minutes away, either side', () => {
    expect(check({ nowS: 1_700_000_000 + 301 })).toBe('timestamp-invalid');
    expect(check({ nowS: 1_700_000_000 - 301 })).toBe('timestamp-invalid');
    expect(check({ nowS: 1_700_000_000 + 300 })).toBe('ok');
    expect(check({ timestamp: 'yesterday' })).toBe('timestamp-invalid');
  });
});
