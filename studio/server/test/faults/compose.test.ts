import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const composeFile = fileURLToPath(new URL('../../../../docker-compose.yml', import.meta.url));

interface Service {
  image?: string; build?: unknown; command?: string[]; profiles?: string[]; restart?: string; healthcheck?: { test: string[] };
  deploy?: { resources?: { limits?: { cpus?: string; memory?: string } } }; depends_on?: Record<string, { condition: string }>;
  environment?: Record<string, string>; container_name?: string; ports?: string[]; stop_grace_period?: string;
}

/** `docker compose version` works here (CI images may lack the compose plugin: then the YAML checks below stand alone). */
const hasCompose = (() => { try { return spawnSync('docker', ['compose', 'version'], { stdio: 'ignore' }).status === 0; } catch { return false; } })();

describe('docker-compose.yml: the production shape', () => {
  const compose = parse(readFileSync(composeFile, 'utf8'), { merge: true }) as { services: Record<string, Service> };
  const s = compose.services;

  it('has redis with AOF, postgres, minio with its bucket, api, render and scorer workers, comfyui under the gpu profile', () => {
    expect(Object.keys(s).sort()).toEqual(['api', 'comfyui', 'minio', 'minio-init', 'postgres', 'redis', 'render-worker', 'scorer-worker']);
    expect(s.redis!.command).toEqual(expect.arrayContaining(['--appendonly', 'yes', '--maxmemory-policy', 'noeviction']));
    expect(s['minio-init']!.restart).toBe('no');
    expect(s.comfyui!.profiles).toEqual(['gpu']);
  });

  it('every long-running service has a health check, a restart policy and resource limits', () => {
    for (const [name, svc] of Object.entries(s)) {
      if (name === 'minio-init') continue;
      expect(svc.healthcheck?.test, name).toBeDefined();
      expect(svc.restart, name).toBe('unless-stopped');
      if (name !== 'comfyui') expect(svc.deploy?.resources?.limits?.memory, name).toBeDefined();
    }
  });

  it('workers scale (no container name, no published port), reach only Redis and S3, and get time to drain', () => {
    for (const name of ['render-worker', 'scorer-worker']) {
      const w = s[name]!;
      expect(w.container_name, name).toBeUndefined();
      expect(w.ports, name).toBeUndefined();
      expect(Object.keys(w.depends_on ?? {}), name).not.toContain('postgres');
      expect(w.environment?.DATABASE_URL, name).toBeUndefined();
      expect(w.stop_grace_period, name).toBeDefined();
    }
    expect(s.api!.environment).toMatchObject({ RENDER_WORKERS: '0', SCORER_WORKERS: '0' });
    expect(s.api!.stop_grace_period).toBeDefined();
  });

  it.runIf(hasCompose)('`docker compose config` accepts it', () => {
    execFileSync('docker', ['compose', '-f', composeFile, 'config', '--quiet'], { stdio: 'pipe' });
  });
});
