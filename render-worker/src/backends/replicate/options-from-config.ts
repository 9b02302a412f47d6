import type { Config } from '@shotfarm/shared/config';
import type { ReplicateBackendOptions } from './replicate-backend.ts';

/** Path of the studio route that receives Replicate webhooks (studio/server/src/routes/replicate-webhook.ts). */
export const replicateWebhookPath = '/api/webhooks/replicate';

/**
 * The backend's options from the validated config, or undefined when REPLICATE_API_TOKEN is unset.
 * Webhooks are used only when REPLICATE_WEBHOOK_SECRET is set (the studio then routes them) and the
 * worker has the farm's Redis to hear them on, and PUBLIC_URL is https (Replicate posts webhooks to
 * HTTPS URLs only, protocol §2.1); otherwise predictions are followed by polling alone.
 */
export function replicateOptionsFromConfig(config: Config, redisUrl: string | undefined = config.redisUrl): ReplicateBackendOptions | undefined {
  const r = config.replicate;
  if (!r.token) return undefined;
  return {
    token: r.token, baseUrl: r.baseUrl, deadlineS: r.deadlineS,
    ...(r.webhookSecret && redisUrl && config.publicUrl.startsWith('https://')
      ? { webhook: { url: `${config.publicUrl}${replicateWebhookPath}`, redisUrl, prefix: config.queuePrefix } }
      : {}),
  };
}
