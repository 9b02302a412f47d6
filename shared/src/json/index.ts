export * from './json-depth.ts';
