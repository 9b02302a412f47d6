export { queueNames, defaultQueuePrefix, cancelChannel, canceledTaskKey, canceledTaskTtlS, activeModelKey, shadowModelKey, comfyBlocklistKey, type QueueName } from './names.ts';
export { createRedis } from './connection.ts';
export { keepCompletedJobs, keepFailedJobs, keepCompletedFlowParents } from './retention.ts';
export { EmbeddedRedis, freeLoopbackPort, type EmbeddedRedisOptions } from './embedded-redis.ts';
export { liveComfyBlocklistRecord } from './comfy-blocklist.ts';
