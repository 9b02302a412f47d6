import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { multipartFile, plainProductPhoto, signIn, startFarm, type Farm } from '../../test/harness.ts';
import { redactUrl } from './log-redaction.ts';

describe('secrets never reach the log', () => {
  const lines: string[] = [];
  let farm: Farm;
  beforeAll(async () => {
    farm = await startFarm({ LOG_LEVEL: 'trace' }, { logStream: { write: (line) => { lines.push(line); } } });
  });
  afterAll(() => farm.close());

  it('passwords, keys, session cookies, CSRF tokens and URL signatures are redacted wherever they would be logged', async () => {
    const generated = (await readFile(path.join(farm.dataDir, 'initial-admin-password'), 'utf8')).trim();
    // Sign in (a password in the body, a session cookie and a CSRF token in the answer), and fail to once.
    const session = await signIn(farm.app, 'admin@localhost', generated);
    await farm.app.inject({ method: 'POST', url: '/api/session', payload: { email: 'admin@localhost', password: 'wrong-password-123' } });
    // Use the cookie and token, make a user (its password in the body) and a key (in the answer), then use the key.
    await farm.app.inject({ method: 'POST', url: '/api/users', headers: session.headers, payload: { email: 'logged@example.com', password: 'users-secret-password', roles: ['designer'] } });
    const made = await farm.app.inject({ method: 'POST', url: '/api/api-keys', headers: session.headers, payload: { name: 'logged' } });
    const key = made.json().key as string;
    const body = multipartFile(await readFile(plainProductPhoto()), 'p.jpg');
    const upload = await farm.app.inject({ method: 'POST', url: '/api/assets', headers: { authorization: `Bearer ${key}`, ...body.headers }, payload: body.payload });
    expect(upload.statusCode).toBe(201);
    const signed = new URL(upload.json().url as string);
    const sig = signed.searchParams.get('sig')!;
    // Signed object URLs log at warn and above only: a bad signature is logged, with the query.
    await farm.app.inject({ method: 'GET', url: `${signed.pathname}?exp=${signed.searchParams.get('exp')}&sig=${sig.slice(0, -4)}beef` });
    await farm.app.inject({ method: 'GET', url: `/api/jobs?token=${key}` });
    farm.app.log.info({ user: { password: 'probe-password-0001' }, token: 'probe-token-0001' }, 'probe');

    const log = lines.join('');
    expect(log).toContain('"authorization":"[redacted]"');
    expect(log).toContain('"cookie":"[redacted]"');
    expect(log).toContain('"x-csrf-token":"[redacted]"');
    for (const secret of [generated, 'wrong-password-123', 'users-secret-password', key, key.slice(3), session.csrfToken, sig, 'probe-password-0001', 'probe-token-0001',
      ...session.cookie.split('; ').map((c) => c.split('=')[1]!)]) {
      expect(log.includes(secret), `a secret (${secret.slice(0, 4)}…) is in the log`).toBe(false);
    }
  });

  it('redactUrl masks credential-like query parameters and keeps the rest', () => {
    expect(redactUrl('/files/a.png?exp=1&sig=abc&download=x.png')).toBe('/files/a.png?exp=1&sig=%5Bredacted%5D&download=x.png');
    expect(redactUrl('/api/jobs?limit=2')).toBe('/api/jobs?limit=2');
    expect(redactUrl('/x?X-Amz-Signature=s&X-Amz-Credential=c')).toBe('/x?X-Amz-Signature=%5Bredacted%5D&X-Amz-Credential=%5Bredacted%5D');
  });
});
