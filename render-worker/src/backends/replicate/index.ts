// Public surface of the replicate backend; the rest of this folder is internal. What the studio's webhook
// route shares with it (prediction shape, signature check, channel names) lives in `@shotfarm/shared/replicate`.
export { ReplicateBackend, type ReplicateBackendOptions, type ReplicateWebhookOptions, defaultReplicateBaseUrl, defaultDeadlineS } from './replicate-backend.ts';
export { replicateOptionsFromConfig, replicateWebhookPath } from './options-from-config.ts';
