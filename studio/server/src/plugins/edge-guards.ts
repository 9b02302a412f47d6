import fp from 'fastify-plugin';
import { maxJsonDepth, jsonDepth, type ErrorCode } from '@shotfarm/shared';
import { HostNotAllowedError, RequestTooDeepError } from '../errors.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The code a body over the route's limit answers with (413) instead of SF_REQUEST_INVALID, e.g. SF_WORKFLOW_TOO_LARGE. */
    tooLargeCode?: ErrorCode;
  }
}

/** Names that always mean this machine: a studio on a laptop is reached through them. */
const loopbackHosts = new Set(['localhost', '127.0.0.1', '::1', '[::1]']);

/** The host part of a `Host` header, lower case, without the port (`[::1]:3000` → `[::1]`). */
export function hostnameOf(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const h = header.trim().toLowerCase();
  if (h.startsWith('[')) {
    const end = h.indexOf(']');
    return end < 0 ? undefined : h.slice(0, end + 1);
  }
  const colon = h.indexOf(':');
  return colon < 0 ? h : h.slice(0, colon);
}

/**
 * Checks every request meets before any route runs:
 * - `Host` must be the configured public host (PUBLIC_URL, ALLOWED_HOSTS) or a loopback name, else 421: a page on
 *   attacker.example whose DNS is rebound to 127.0.0.1 must not read a studio running on the victim's laptop.
 * - JSON bodies nested deeper than {@link maxJsonDepth} are refused with 400 before parsing, so neither the parser
 *   nor a recursive schema validator can overflow the stack (which answered 500).
 */
export const edgeGuardsPlugin = fp(async (app) => {
  const allowed = new Set([...app.config.allowedHosts, ...loopbackHosts]);
  app.addHook('onRequest', async (req) => {
    const host = hostnameOf(req.headers.host);
    if (!host || !allowed.has(host)) throw new HostNotAllowedError(JSON.stringify(req.headers.host ?? ''));
  });

  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
    const text = body as string;
    if (jsonDepth(text, maxJsonDepth) > maxJsonDepth) {
      done(new RequestTooDeepError(maxJsonDepth), undefined);
      return;
    }
    parseJson(req, text, done);
  });
}, { name: 'shotfarm-edge-guards', fastify: '5.x', dependencies: ['shotfarm-config'] });
