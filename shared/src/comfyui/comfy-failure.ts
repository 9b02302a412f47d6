/**
 * How one attempt of a prompt on one server went wrong; the pool decides from `kind` whether another
 * server may help (../shared/protocols/comfyui.md §5).
 * - `rejected`: validation / node_errors; every server would say the same.
 * - `lost`: connection dead, server restarted (prompt in neither queue nor history), HTTP unanswered.
 * - `stalled`: the watchdog saw no progress for too long.
 * - `oom`: GPU out of memory; another server (more free VRAM) may manage.
 * - `execution`: a node raised something else.
 * - `interrupted`: somebody else interrupted it.
 * - `canceled`: our own AbortSignal.
 */
export type ComfyFailureKind = 'rejected' | 'lost' | 'stalled' | 'oom' | 'execution' | 'interrupted' | 'canceled';

export class ComfyFailure extends Error {
  readonly kind: ComfyFailureKind;
  /** The node the server blamed, when it named one. */
  readonly nodeId: string | undefined;
  constructor(kind: ComfyFailureKind, message: string, opts: { nodeId?: string; cause?: unknown } = {}) {
    super(message, { cause: opts.cause });
    this.name = 'ComfyFailure';
    this.kind = kind;
    this.nodeId = opts.nodeId;
  }
}

// §5: recent PyTorch says torch.OutOfMemoryError, older torch.cuda.OutOfMemoryError; cudaMallocAsync says "Allocation on device".
const oomPattern = /OutOfMemoryError|out of memory|Allocation on device/i;

/** Classify an `execution_error` payload (§2.4). */
export function failureFromExecutionError(data: Record<string, unknown>): ComfyFailure {
  const type = String(data.exception_type ?? 'Error');
  const message = String(data.exception_message ?? '').split('\n')[0] ?? '';
  const nodeId = typeof data.node_id === 'string' ? data.node_id : undefined;
  const where = nodeId ? ` in node ${nodeId}${data.node_type ? ` (${String(data.node_type)})` : ''}` : '';
  const kind = oomPattern.test(type) || oomPattern.test(message) ? 'oom' : 'execution';
  return new ComfyFailure(kind, `${type}${where}: ${message}`.trim(), nodeId ? { nodeId } : {});
}
