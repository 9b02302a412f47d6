import { describe, expect, it } from 'vitest';
import { failureFromExecutionError } from './comfy-failure.ts';

describe('failureFromExecutionError (protocol §2.4, §5)', () => {
  it.each([
    ['torch.OutOfMemoryError', 'Allocation on device \nThis error means you ran out of memory on your GPU.'],
    ['torch.cuda.OutOfMemoryError', 'CUDA out of memory. Tried to allocate 2.00 GiB'],
    ['RuntimeError', 'CUDA error: out of memory'],
  ])('calls %s an OOM', (type, message) => {
    expect(failureFromExecutionError({ exception_type: type, exception_message: message, node_id: '3', node_type: 'KSampler' }).kind).toBe('oom');
  });

  it('names the node and keeps only the first line of the message', () => {
    const f = failureFromExecutionError({ exception_type: 'RuntimeError', exception_message: 'shapes differ\ntraceback…', node_id: '8', node_type: 'VAEDecode' });
    expect(f).toMatchObject({ kind: 'execution', nodeId: '8', message: 'RuntimeError in node 8 (VAEDecode): shapes differ' });
  });
});
