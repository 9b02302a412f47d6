export { ComfyUIBackend, type ComfyUIBackendOptions } from './comfyui-backend.ts';
export { ComfyServerPool, type ComfyServerPoolOptions, type ComfyPoolJob, type ComfyPoolResult, type ComfyBlocklistChange } from './comfy-server-pool.ts';
export { ComfyBlocklistBoard, type ComfyBlocklistBoardOptions } from './comfy-blocklist-board.ts';
export { ComfyPoolServer, type ComfyRequirements } from './comfy-pool-server.ts';
export { ComfyClient, type ComfyClientOptions, type ComfyClientEvents } from './comfy-client.ts';
export { ComfyServerList, type ComfyServerSpec } from './server-list.ts';
