// `COMFYUI_URLS` is parsed in shared config (the lead's `comfyui-servers.ts`); re-exported for the backend's callers.
export { ComfyServerList, type ComfyServerSpec } from '@shotfarm/shared/config';
