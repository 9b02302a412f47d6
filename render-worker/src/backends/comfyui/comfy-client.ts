import { EventEmitter } from 'node:events';
import WebSocket from 'ws';
import { ComfyHttpClient, WsMessage, type ComfyHttpClientOptions } from '@shotfarm/shared/comfyui';
import { decodeBinaryFrame, type PreviewFrame } from './binary-frame.ts';

export interface ComfyClientOptions extends ComfyHttpClientOptions {
  /** Wait before reopening a closed websocket; doubles up to 8×. @defaultValue 250 */
  reconnectDelayMs?: number;
}

export interface ComfyClientEvents {
  message: [WsMessage];
  preview: [PreviewFrame];
  /** The websocket (re)opened: events sent while it was closed are lost, so in-flight prompts reconcile. */
  open: [];
  close: [];
}

const defaultReconnectDelayMs = 250;
const maxReconnectBackoff = 8;
/** The server sends no heartbeats (§2.1); our pings find a dead connection. */
const pingIntervalMs = 15_000;

/**
 * One ComfyUI server as a render worker uses it: the shared HTTP client plus one websocket (session id =
 * `clientId`) that reopens by itself. Knows nothing of pools or tasks.
 */
export class ComfyClient extends ComfyHttpClient {
  readonly #events = new EventEmitter<ComfyClientEvents>();
  readonly #reconnectDelayMs: number;
  #socket: WebSocket | undefined;
  #wantOpen = false;
  #reconnects = 0;
  #reconnectTimer: NodeJS.Timeout | undefined;
  #pingTimer: NodeJS.Timeout | undefined;

  constructor(opts: ComfyClientOptions) {
    super(opts);
    this.#reconnectDelayMs = opts.reconnectDelayMs ?? defaultReconnectDelayMs;
  }

  on<E extends keyof ComfyClientEvents>(event: E, listener: (...args: ComfyClientEvents[E]) => void): this {
    this.#events.on(event, listener as never);
    return this;
  }

  off<E extends keyof ComfyClientEvents>(event: E, listener: (...args: ComfyClientEvents[E]) => void): this {
    this.#events.off(event, listener as never);
    return this;
  }

  /** Whether the websocket is open now. */
  get connected(): boolean {
    return this.#socket?.readyState === WebSocket.OPEN;
  }

  /** Open the websocket and keep it open until `close()`. Does not wait for it. */
  connect(): void {
    this.#wantOpen = true;
    if (!this.#socket) this.#open();
  }

  #open(): void {
    const ws = new WebSocket(`${this.url.replace(/^http/, 'ws')}/api/ws?clientId=${encodeURIComponent(this.clientId)}`);
    this.#socket = ws;
    ws.on('open', () => {
      this.#reconnects = 0;
      // §2.2: ask for type-4 previews (they carry prompt and node ids); older servers ignore it.
      ws.send(JSON.stringify({ type: 'feature_flags', data: { supports_preview_metadata: true } }));
      this.#events.emit('open');
    });
    ws.on('message', (raw, isBinary) => {
      const bytes = Array.isArray(raw) ? Buffer.concat(raw) : Buffer.from(raw as ArrayBuffer);
      if (isBinary) {
        const frame = decodeBinaryFrame(bytes);
        if (frame) this.#events.emit('preview', frame);
        return;
      }
      let json: unknown;
      try { json = JSON.parse(bytes.toString('utf8')); } catch { return; }
      const parsed = WsMessage.safeParse(json);
      if (parsed.success) this.#events.emit('message', { type: parsed.data.type, data: parsed.data.data ?? {} });
    });
    ws.on('error', () => undefined); // 'close' follows; reconnecting is all we do about it
    ws.on('close', () => {
      if (this.#socket === ws) this.#socket = undefined;
      this.#events.emit('close');
      // §2.1 same-id hazard: reopen only after the old socket has closed, never alongside it.
      if (this.#wantOpen) {
        const delay = this.#reconnectDelayMs * Math.min(2 ** this.#reconnects++, maxReconnectBackoff);
        this.#reconnectTimer = setTimeout(() => { if (this.#wantOpen && !this.#socket) this.#open(); }, delay);
      }
    });
    this.#pingTimer ??= setInterval(() => { if (this.connected) this.#socket?.ping(); }, pingIntervalMs).unref();
  }

  /** Close the websocket for good; HTTP calls keep working. */
  close(): void {
    this.#wantOpen = false;
    clearTimeout(this.#reconnectTimer);
    clearInterval(this.#pingTimer);
    this.#pingTimer = undefined;
    this.#socket?.terminate();
    this.#socket = undefined;
  }
}
