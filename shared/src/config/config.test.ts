import { describe, expect, it } from 'vitest';
import { ConfigError, configToEnv, loadConfig } from './config.ts';

describe('loadConfig', () => {
  it('gives the embedded defaults when nothing is set', () => {
    const c = loadConfig({ URL_SIGNING_SECRET: 'x'.repeat(32) }, '/srv/app');
    expect(c).toMatchObject({ port: 3000, dataDir: '/srv/app/.shotfarm', pgliteDir: '/srv/app/.shotfarm/pglite', databaseUrl: undefined, redisUrl: undefined, publicUrl: 'http://localhost:3000' });
    expect(c.storage).toMatchObject({ driver: 'folder', root: '/srv/app/.shotfarm/objects', publicBaseUrl: 'http://localhost:3000' });
    expect(c.uploadMaxBytes).toBe(25 * 1024 * 1024);
  });

  it('selects S3 and PostgreSQL by configuration alone', () => {
    const c = loadConfig({ S3_BUCKET: 'shots', S3_ENDPOINT: 'http://minio:9000', S3_FORCE_PATH_STYLE: 'true', DATABASE_URL: 'postgres://u:p@db/sf', REDIS_URL: 'redis://r:6379' }, '/x');
    expect(c.storage).toMatchObject({ driver: 's3', bucket: 'shots', endpoint: 'http://minio:9000', forcePathStyle: true, region: 'us-east-1' });
    expect(c.databaseUrl).toBe('postgres://u:p@db/sf');
  });

  it('names every bad variable at once', () => {
    try {
      loadConfig({ PORT: 'eighty', RENDER_CONCURRENCY: '0', DATABASE_URL: 'mysql://x', S3_ACCESS_KEY_ID: 'k', URL_SIGNING_SECRET: 'x'.repeat(32) }, '/x');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      const vars = (e as ConfigError).problems.map((p) => p.variable);
      expect(vars).toEqual(expect.arrayContaining(['PORT', 'RENDER_CONCURRENCY', 'DATABASE_URL', 'S3_BUCKET', 'S3_SECRET_ACCESS_KEY']));
      expect((e as Error).message).toContain('PORT: "eighty"');
    }
  });

  it('times ComfyUI blocklistings by COMFYUI_BLOCKLIST_S (30 minutes unset) and hands it to render workers', () => {
    const secret = { URL_SIGNING_SECRET: 'x'.repeat(32) };
    expect(loadConfig(secret, '/x').comfyui.blocklistS).toBe(1800);
    const c = loadConfig({ ...secret, COMFYUI_BLOCKLIST_S: '120' }, '/x');
    expect(c.comfyui.blocklistS).toBe(120);
    const env = configToEnv(c, 'redis://r:6379');
    expect(env.COMFYUI_BLOCKLIST_S).toBe('120');
    expect(loadConfig({ ...env, ...secret }, '/x').comfyui.blocklistS).toBe(120);
  });

  it.each(['0', '-5', '1.5', 'forever', '30m'])('rejects COMFYUI_BLOCKLIST_S=%s', (raw) => {
    expect(() => loadConfig({ URL_SIGNING_SECRET: 'x'.repeat(32), COMFYUI_BLOCKLIST_S: raw }, '/x')).toThrow(/COMFYUI_BLOCKLIST_S/);
  });
});
