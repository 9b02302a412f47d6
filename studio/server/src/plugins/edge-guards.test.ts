import { describe, expect, it } from 'vitest';
import { loadConfig } from '@shotfarm/shared/config';
import { hostnameOf } from './edge-guards.ts';

describe('hostnameOf', () => {
  it.each([
    ['localhost:3000', 'localhost'], ['LOCALHOST', 'localhost'], ['[::1]:3000', '[::1]'], ['[::1]', '[::1]'],
    ['studio.example.com', 'studio.example.com'], [' 127.0.0.1:80 ', '127.0.0.1'], ['[::1', undefined], ['', undefined], [undefined, undefined],
  ])('%j → %j', (header, host) => expect(hostnameOf(header)).toBe(host));
});

describe('allowed hosts from the configuration', () => {
  it("are PUBLIC_URL's host and ALLOWED_HOSTS, lower case", () => {
    const config = loadConfig({ DATA_DIR: '/tmp/sf-hosts', URL_SIGNING_SECRET: 'x'.repeat(32), SESSION_SECRET: 'y'.repeat(32),
      PUBLIC_URL: 'https://Studio.Example.com', ALLOWED_HOSTS: 'studio.internal, 10.0.0.5' });
    expect(config.allowedHosts).toEqual(['studio.example.com', 'studio.internal', '10.0.0.5']);
  });
});
