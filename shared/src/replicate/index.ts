// What the studio's webhook route and the render worker's Replicate backend share (../shared/protocols/replicate.md):
// the prediction's shape, the webhook signature check and the Redis names a verified webhook is handed over by.
export { replicatePredictionChannel, replicateWebhookSeenKey } from './channels.ts';
export { verifyReplicateWebhook, webhookToleranceS, type WebhookHeaders, type WebhookVerdict, type VerifyWebhookOptions } from './webhook-signature.ts';
export { isTerminal, Prediction, PredictionPage, PredictionStatus, usageOf, type ReplicateUsage } from './prediction.ts';
