export * as tables from './schema/index.ts';
export { openDatabase, type Db, type Database, type DatabaseOptions } from './client.ts';
