// Browser-safe entry: schemas, contracts, error codes. Node-only code lives at ./db, ./storage, ./queue, ./config.
export * from './errors/index.ts';
export * from './schemas/index.ts';
export * from './contracts/index.ts';
export * from './json/index.ts';
