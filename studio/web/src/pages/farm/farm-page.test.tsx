import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ComfyServerHealth, FarmStatus } from '@shotfarm/shared';
import { createI18n, I18nProvider, type Language } from '../../i18n/i18n.ts';
import { FarmQueues } from './farm-queues.tsx';
import { FarmServers } from './farm-servers.tsx';
import { ReplicateTag } from './replicate-tag.tsx';
import { ThroughputChart } from './throughput-chart.tsx';

const servers: ComfyServerHealth[] = [
  { name: 'gpu-a', url: 'http://10.0.0.5:8188', state: 'up', configuredGpu: 'RTX 4090', error: null, checkedAt: '2026-03-01T10:00:00.000Z',
    device: { name: 'cuda:0 NVIDIA GeForce RTX 4090', vramTotalBytes: 24 * 2 ** 30, vramFreeBytes: 6 * 2 ** 30 }, queueRemaining: 2, blocklistedFor: [] },
  { name: 'gpu-b', url: 'http://10.0.0.6:8188', state: 'up', configuredGpu: null, error: null, checkedAt: '2026-03-01T10:00:00.000Z',
    device: { name: 'cuda:0 NVIDIA A100', vramTotalBytes: 80 * 2 ** 30, vramFreeBytes: 80 * 2 ** 30 }, queueRemaining: 0,
    // Two workers blocklisted the same recipe here, one a second: two recipes.
    blocklistedFor: [
      { recipeId: 'model-swap/catvton', worker: 'host-1:101', failures: 3, since: '2026-03-01T09:30:00.000Z' },
      { recipeId: 'model-swap/catvton', worker: 'host-2:202', failures: 4, since: '2026-03-01T09:40:00.000Z' },
      { recipeId: 'product-shot/relight', worker: 'host-1:101', failures: 3, since: '2026-03-01T09:50:00.000Z' },
    ] },
  { name: 'gpu-dead', url: 'http://10.0.0.7:8188', state: 'down', configuredGpu: 'L40S', error: 'connect ECONNREFUSED', checkedAt: '2026-03-01T10:00:00.000Z',
    device: null, queueRemaining: null, blocklistedFor: [] },
];
const queues: FarmStatus['queues'] = {
  render: { waiting: 7, active: 2, delayed: 1, failed: 3, completed: 40 },
  score: { waiting: 0, active: 1, delayed: 0, failed: 0, completed: 12 },
};

const inLanguage = (language: Language, ui: React.ReactNode) => render(<I18nProvider instance={createI18n(language)}>{ui}</I18nProvider>);

describe('farm page parts', () => {
  // antd's table measures the scrollbar with getComputedStyle(el, '::-webkit-scrollbar'); jsdom has no pseudo-elements.
  const original = window.getComputedStyle;
  beforeAll(() => { window.getComputedStyle = (elt: Element) => original(elt); });
  afterAll(() => { window.getComputedStyle = original; });

  it('shows each server up or down with its GPU, free VRAM and busy/idle, in en', () => {
    inLanguage('en', <FarmServers servers={servers} />);
    const rows = screen.getAllByRole('row').slice(1);
    expect(rows).toHaveLength(3);
    expect(rows.map((r) => r.getAttribute('data-state'))).toEqual(['up', 'up', 'down']);
    expect(within(rows[0]!).getByText('cuda:0 NVIDIA GeForce RTX 4090')).toBeTruthy();
    expect(within(rows[0]!).getByText('6.0 / 24.0 GiB')).toBeTruthy();
    expect(within(rows[0]!).getByText('Busy (2 prompts)')).toBeTruthy();
    expect(within(rows[1]!).getByText('Idle')).toBeTruthy();
    // A server that is down still says which GPU it should have, from the configuration.
    expect(within(rows[2]!).getByText('Down')).toBeTruthy();
    expect(within(rows[2]!).getByText('L40S')).toBeTruthy();
  });

  it('speaks zh-CN, and says when no server is configured', () => {
    inLanguage('zh-CN', <FarmServers servers={servers.slice(1)} />);
    expect(screen.getByText('空闲')).toBeTruthy();
    expect(screen.getByText('离线')).toBeTruthy();
    inLanguage('zh-CN', <FarmServers servers={[]} />);
    expect(screen.getByText(/没有配置 ComfyUI 服务器/)).toBeTruthy();
  });

  it('tags a blocklisted server with how many recipes, and lists recipe, worker and since on hover, in en', async () => {
    inLanguage('en', <FarmServers servers={servers} />);
    const rows = screen.getAllByRole('row').slice(1);
    expect(within(rows[0]!).queryByTestId('farm-blocklisted')).toBeNull();
    expect(within(rows[2]!).queryByTestId('farm-blocklisted')).toBeNull();
    const tag = within(rows[1]!).getByTestId('farm-blocklisted');
    expect(tag.textContent).toBe('Blocklisted for 2 recipes');
    fireEvent.mouseEnter(tag);
    const details = await screen.findByTestId('farm-blocklist-details');
    const items = within(details).getAllByRole('listitem').map((li) => li.textContent);
    expect(items).toHaveLength(3);
    expect(items[0]).toMatch(/^model-swap\/catvton: worker host-1:101, since .+, 3 failures$/);
    expect(items[1]).toMatch(/^model-swap\/catvton: worker host-2:202, since .+, 4 failures$/);
    expect(items[2]).toContain('product-shot/relight: worker host-1:101');
  });

  it('says the same in zh-CN, and the tag is reachable by keyboard', async () => {
    inLanguage('zh-CN', <FarmServers servers={servers} />);
    const tag = screen.getByTestId('farm-blocklisted');
    expect(tag.textContent).toBe('已拉黑 2 个配方');
    expect(tag.getAttribute('tabindex')).toBe('0');
    fireEvent.focus(tag);
    const details = await screen.findByTestId('farm-blocklist-details');
    expect(details.textContent).toContain('重启该 worker 后解除');
    expect(within(details).getAllByRole('listitem')[1]!.textContent).toMatch(/^model-swap\/catvton：worker host-2:202，.+ 起，失败 4 次$/);
  });

  it('lays the queue depths out one queue a row, one state a column', () => {
    inLanguage('en', <FarmQueues queues={queues} />);
    const [head, render, score] = screen.getAllByRole('row');
    expect(within(head!).getAllByRole('columnheader').map((c) => c.textContent)).toEqual(['Queue', 'Waiting', 'Active', 'Delayed', 'Failed', 'Completed']);
    expect(within(render!).getAllByRole('cell').map((c) => c.textContent)).toEqual(['Render', '7', '2', '1', '3', '40']);
    expect(within(score!).getAllByRole('cell').map((c) => c.textContent)).toEqual(['Score', '0', '1', '0', '0', '12']);
  });

  it('charts the throughput buckets and says when the last hour was empty', () => {
    const start = Date.parse('2026-03-01T09:10:00Z');
    const buckets = Array.from({ length: 12 }, (_, i) => ({ start: new Date(start + i * 300_000).toISOString(), succeeded: i, failed: i % 2, canceled: 0 }));
    inLanguage('en', <ThroughputChart buckets={buckets} />);
    expect(screen.getByTestId('throughput-chart').getAttribute('data-total')).toBe(String(66 + 6));
    expect(screen.queryByText('No tasks finished in the last hour.')).toBeNull();
    inLanguage('zh-CN', <ThroughputChart buckets={buckets.map((b) => ({ ...b, succeeded: 0, failed: 0 }))} />);
    expect(screen.getByText('近一小时没有完成的任务。')).toBeTruthy();
  });

  it('says whether Replicate answers, as which account, or why not', () => {
    const checkedAt = '2026-03-01T10:00:00.000Z';
    inLanguage('zh-CN', <ReplicateTag health={{ configured: true, state: 'up', account: 'shotfarm', error: null, checkedAt }} />);
    expect(screen.getByTestId('farm-replicate').textContent).toBe('可用（账号 shotfarm）');
    cleanup();
    inLanguage('en', <ReplicateTag health={{ configured: true, state: 'down', account: null, error: 'HTTP 401: bad token', checkedAt }} />);
    expect(screen.getByTestId('farm-replicate').textContent).toBe('Unreachable');
    expect(screen.getByLabelText('Unreachable: HTTP 401: bad token')).toBeTruthy();
    cleanup();
    inLanguage('en', <ReplicateTag health={{ configured: false, state: 'unset', account: null, error: null, checkedAt: null }} />);
    expect(screen.getByTestId('farm-replicate').getAttribute('data-state')).toBe('unset');
    expect(screen.getByTestId('farm-replicate').textContent).toBe('Not configured');
  });
});

