import type { FastifyRequest } from 'fastify';

// The redacted paths are shared with the workers' logs (one list).
export { logRedaction } from '@shotfarm/shared/log';

/** Query parameters that are credentials themselves: a signed URL's signature works for anyone who reads it. */
const secretQueryParams = /^(sig|signature|token|key|x-amz-signature|x-amz-credential|x-amz-security-token)$/i;

/** A request URL with the values of credential-like query parameters replaced. */
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const params = new URLSearchParams(url.slice(q + 1));
  let changed = false;
  for (const name of [...params.keys()]) {
    if (secretQueryParams.test(name)) { params.set(name, '[redacted]'); changed = true; }
  }
  return changed ? `${url.slice(0, q)}?${params.toString()}` : url;
}

/** Fastify's request serializer, plus the headers (redacted above) and with signed-URL signatures masked. */
export const logSerializers = {
  req(req: FastifyRequest) {
    return {
      method: req.method, url: redactUrl(req.url), host: req.host, remoteAddress: req.ip, remotePort: req.socket?.remotePort,
      headers: req.headers,
    };
  },
};
