// ComfyUI's protocol (../shared/protocols/comfyui.md) as both sides of the farm need it: the answer shapes, the
// failure kinds, the HTTP client and the health reading. The render worker adds the websocket session on top.
export * from './comfy-protocol.ts';
export { ComfyFailure, failureFromExecutionError, type ComfyFailureKind } from './comfy-failure.ts';
export { ComfyHttpClient, type ComfyHttpClientOptions } from './comfy-http-client.ts';
export { readComfyServerHealth, type ComfyServerReading } from './server-health.ts';
