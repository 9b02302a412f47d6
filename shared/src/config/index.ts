export { loadConfig, configToEnv, configVariables, ConfigError, type Config } from './config.ts';
export { ComfyServerList, formatComfyServerList, type ComfyServerSpec } from './comfyui-servers.ts';
