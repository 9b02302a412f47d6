import { z } from 'zod';

/** One ComfyUI server of the pool, as `COMFYUI_URLS` names it. */
export interface ComfyServerSpec {
  url: string;
  /** Shown on the farm page and task rows. @defaultValue the URL's host:port */
  name: string;
  /** GPU model, for the farm page and the cost ledger. */
  gpu: string | undefined;
  /** What an hour of this GPU costs, integer fen (¥0.01), for the cost ledger. 0 when unknown. */
  fenPerHour: number;
}

const entryKeys = ['name', 'gpu', 'fenPerHour'] as const;

/**
 * `COMFYUI_URLS`: comma-separated servers, each `URL[;name=…][;gpu=…][;fenPerHour=…]`, e.g.
 * `http://10.0.0.5:8188;name=gpu-a;gpu=RTX 4090;fenPerHour=250,http://10.0.0.6:8188`.
 * A string so it fits one environment variable; every bad entry is named in the error.
 */
export const ComfyServerList = z.string().transform((raw, ctx): ComfyServerSpec[] => {
  const servers: ComfyServerSpec[] = [];
  for (const entry of raw.split(',').map((e) => e.trim()).filter((e) => e.length > 0)) {
    const [urlPart, ...options] = entry.split(';').map((p) => p.trim());
    let url: URL;
    try {
      url = new URL(urlPart ?? '');
      if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('not http(s)');
    } catch {
      ctx.addIssue({ code: 'custom', message: `"${urlPart}" is not an http(s) URL` });
      continue;
    }
    const spec: ComfyServerSpec = { url: url.href.replace(/\/+$/, ''), name: url.host, gpu: undefined, fenPerHour: 0 };
    for (const option of options) {
      const eq = option.indexOf('=');
      const key = option.slice(0, eq) as (typeof entryKeys)[number];
      const value = option.slice(eq + 1).trim();
      if (eq < 0 || !entryKeys.includes(key) || value === '') {
        ctx.addIssue({ code: 'custom', message: `"${option}" in "${entry}": expected ${entryKeys.map((k) => `${k}=…`).join(', ')}` });
      } else if (key === 'fenPerHour') {
        const fen = Number(value);
        if (Number.isInteger(fen) && fen >= 0) spec.fenPerHour = fen;
        else ctx.addIssue({ code: 'custom', message: `fenPerHour "${value}" in "${entry}" is not a non-negative integer (fen)` });
      } else {
        spec[key] = value;
      }
    }
    servers.push(spec);
  }
  const names = servers.map((s) => s.name);
  const repeated = names.find((n, i) => names.indexOf(n) !== i);
  if (repeated !== undefined) ctx.addIssue({ code: 'custom', message: `server name "${repeated}" is used twice` });
  return servers;
});

/** The inverse of {@link ComfyServerList}: what a child process gets in its `COMFYUI_URLS`. */
export function formatComfyServerList(servers: readonly ComfyServerSpec[]): string {
  return servers
    .map((s) => [s.url, `name=${s.name}`, ...(s.gpu ? [`gpu=${s.gpu}`] : []), `fenPerHour=${s.fenPerHour}`].join(';'))
    .join(',');
}
