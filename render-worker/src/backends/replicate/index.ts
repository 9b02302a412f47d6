// Public surface of the replicate backend; the rest of this folder is internal.
// Also the `@shotfarm/render-worker/replicate` entry, which the studio's webhook route imports.
export { ReplicateBackend, type ReplicateBackendOptions, type ReplicateWebhookOptions, defaultReplicateBaseUrl, defaultDeadlineS } from './replicate-backend.ts';
export { replicatePredictionChannel, replicateWebhookSeenKey } from './channels.ts';
export { verifyReplicateWebhook, webhookToleranceS, type WebhookHeaders, type WebhookVerdict, type VerifyWebhookOptions } from './webhook-signature.ts';
export { Prediction as ReplicatePrediction, usageOf as replicateUsageOf, type ReplicateUsage } from './prediction.ts';
export { replicateOptionsFromConfig, replicateWebhookPath } from './options-from-config.ts';
