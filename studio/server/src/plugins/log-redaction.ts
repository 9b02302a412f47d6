import type { FastifyRequest } from 'fastify';

/**
 * Secrets never reach the log: pino replaces these paths with "[redacted]" wherever a request, a response or an
 * error is logged (headers carry keys and cookies; bodies and details may carry passwords and tokens).
 */
export const logRedaction = {
  paths: [
    // Headers wherever they sit: the request, a response, a library's options (@fastify/multipart logs busboy's).
    '*.headers.authorization', '*.headers.cookie', '*.headers["x-csrf-token"]', '*.headers["set-cookie"]',
    'headers.authorization', 'headers.cookie', 'headers["x-csrf-token"]', 'headers["set-cookie"]',
    // Not `key`: storage keys are logged on purpose (an API key is only ever in a creation answer, never logged).
    'password', '*.password', 'token', '*.token', 'csrfToken', '*.csrfToken', 'secret', '*.secret', 'authorization', '*.authorization',
  ],
  censor: '[redacted]',
};

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
