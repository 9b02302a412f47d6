/**
 * Redis names the webhook route and the render workers share. The route publishes each verified
 * webhook's prediction on {@link replicatePredictionChannel}; the worker following that prediction listens.
 */
export const replicatePredictionChannel = (prefix: string, predictionId: string): string =>
  `${prefix}:replicate:prediction:${predictionId}`;

/** `SET NX` marker of a webhook-id already handled: Replicate resends with the same id (protocol §5.2). */
export const replicateWebhookSeenKey = (prefix: string, webhookId: string): string =>
  `${prefix}:replicate:webhook-seen:${webhookId}`;
