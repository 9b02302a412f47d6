// Node-only (`@shotfarm/shared/storage`): the drivers import node:fs and the AWS SDK.
// content-type.ts is left out on purpose: it is a check both drivers share, not an API.
export * from './storage.ts';
export * from './errors.ts';
export * from './keys.ts';
export * from './url-signer.ts';
export * from './folder-storage.ts';
export * from './free-space.ts';
export * from './s3-storage.ts';
export * from './create-storage.ts';
