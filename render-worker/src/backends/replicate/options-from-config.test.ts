import { describe, expect, it } from 'vitest';
import { loadConfig } from '@shotfarm/shared/config';
import { replicateOptionsFromConfig } from './options-from-config.ts';

const base = { DATA_DIR: '/tmp/sf-replicate-config-test', URL_SIGNING_SECRET: 'x'.repeat(32), PUBLIC_URL: 'https://studio.example.com' };

describe('replicateOptionsFromConfig', () => {
  it('is undefined without a token', () => {
    expect(replicateOptionsFromConfig(loadConfig(base))).toBeUndefined();
  });
  it('polls only when no webhook secret is set', () => {
    const o = replicateOptionsFromConfig(loadConfig({ ...base, REPLICATE_API_TOKEN: 'r8_x', REDIS_URL: 'redis://r:6379' }));
    expect(o).toEqual({ token: 'r8_x', baseUrl: 'https://api.replicate.com/v1', deadlineS: 900 });
  });
  it('points webhooks at the studio route when the secret and Redis are there', () => {
    const o = replicateOptionsFromConfig(loadConfig({ ...base, REPLICATE_API_TOKEN: 'r8_x', REDIS_URL: 'redis://r:6379', REPLICATE_WEBHOOK_SECRET: 'whsec_abc=', REPLICATE_DEADLINE_S: '60' }));
    expect(o).toMatchObject({ deadlineS: 60, webhook: { url: 'https://studio.example.com/api/webhooks/replicate', redisUrl: 'redis://r:6379', prefix: 'shotfarm' } });
  });
  it('polls only when PUBLIC_URL is not https: Replicate would refuse the webhook URL', () => {
    const o = replicateOptionsFromConfig(loadConfig({ ...base, PUBLIC_URL: 'http://localhost:3000', REPLICATE_API_TOKEN: 'r8_x', REDIS_URL: 'redis://r:6379', REPLICATE_WEBHOOK_SECRET: 'whsec_abc=' }));
    expect(o?.webhook).toBeUndefined();
  });
});
