export { loadConfig, configToEnv, configVariables, ConfigError, type Config } from './config.ts';
