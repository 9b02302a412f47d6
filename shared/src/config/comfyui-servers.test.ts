import { describe, expect, it } from 'vitest';
import { ComfyServerList, formatComfyServerList } from './comfyui-servers.ts';

describe('ComfyServerList (COMFYUI_URLS)', () => {
  it('reads URLs with optional name, GPU and hourly price', () => {
    expect(ComfyServerList.parse('http://10.0.0.5:8188/;name=gpu-a;gpu=RTX 4090;fenPerHour=250, https://comfy.example.com')).toEqual([
      { url: 'http://10.0.0.5:8188', name: 'gpu-a', gpu: 'RTX 4090', fenPerHour: 250 },
      { url: 'https://comfy.example.com', name: 'comfy.example.com', gpu: undefined, fenPerHour: 0 },
    ]);
  });

  it.each([
    ['ftp://host:21', /not an http\(s\) URL/],
    ['http://a:8188;colour=red', /expected name=…, gpu=…, fenPerHour=…/],
    ['http://a:8188;fenPerHour=2.5', /not a non-negative integer/],
    ['http://a:8188;name=x,http://b:8188;name=x', /used twice/],
  ])('refuses %s and says why', (raw, message) => {
    const r = ComfyServerList.safeParse(raw);
    expect(r.success).toBe(false);
    expect(r.error?.issues.map((i) => i.message).join('\n')).toMatch(message);
  });
});

describe('formatComfyServerList', () => {
  it('round-trips through the parser', () => {
    const servers = ComfyServerList.parse('http://a:8188;gpu=L40S;fenPerHour=420,http://b:8188;name=b2');
    expect(ComfyServerList.parse(formatComfyServerList(servers))).toEqual(servers);
  });
});
