import http from 'node:http';
import https from 'node:https';
import { Webhook } from 'standardwebhooks';
import ipaddr from 'ipaddr.js';
import { allowListed, guardedLookup, isPublicAddress } from './target-guard.ts';

export interface SendOutcome {
  statusCode: number | null;
  /** The first 1,000 characters of the answer. */
  responseBody: string | null;
  error: string | null;
  durationMs: number;
  delivered: boolean;
}

export interface SendRequest {
  url: string;
  secret: string;
  messageId: string;
  payload: string;
  timeoutMs: number;
  allowHosts: readonly string[];
  at?: Date;
}

/** Standard Webhooks headers for one attempt: `webhook-id`, `webhook-timestamp` (seconds), `webhook-signature` (v1, HMAC-SHA256). */
export function signedHeaders(secret: string, messageId: string, payload: string, at: Date): Record<string, string> {
  return {
    'webhook-id': messageId,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': new Webhook(secret).sign(messageId, at, payload),
  };
}

/**
 * POST one signed event. A 2xx is delivered; anything else (a 3xx too: redirects are not followed, they could lead
 * inside the network), a timeout or a refused internal address is a failed attempt with its reason.
 */
export function sendWebhook(req: SendRequest): Promise<SendOutcome> {
  const started = Date.now();
  const url = new URL(req.url);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const done = (o: Omit<SendOutcome, 'durationMs' | 'delivered'>): SendOutcome =>
    ({ ...o, durationMs: Date.now() - started, delivered: o.statusCode !== null && o.statusCode >= 200 && o.statusCode < 300 });
  // A literal IP skips DNS, so the lookup guard would not see it: judge it here.
  if (ipaddr.isValid(host) && !isPublicAddress(host) && !allowListed(host, req.allowHosts)) {
    return Promise.resolve(done({ statusCode: null, responseBody: null, error: `${host} is an internal address: not connecting` }));
  }
  const headers = { 'content-type': 'application/json', 'user-agent': 'Shotfarm-Webhooks/1', ...signedHeaders(req.secret, req.messageId, req.payload, req.at ?? new Date()) };
  const client = url.protocol === 'https:' ? https : http;
  return new Promise((resolve) => {
    const request = client.request(url, { method: 'POST', headers, lookup: guardedLookup(req.allowHosts) as never, timeout: req.timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => { if (body.length < 1000) body += chunk; });
      res.on('end', () => resolve(done({ statusCode: res.statusCode ?? null, responseBody: body.slice(0, 1000), error: null })));
      res.on('error', (e) => resolve(done({ statusCode: res.statusCode ?? null, responseBody: body.slice(0, 1000), error: e.message })));
    });
    // The socket's idle timeout, and one for the whole exchange (a receiver that drips its answer is cut off too).
    request.on('timeout', () => request.destroy(new Error(`no answer within ${req.timeoutMs} ms`)));
    const whole = setTimeout(() => request.destroy(new Error(`no complete answer within ${req.timeoutMs} ms`)), req.timeoutMs);
    request.on('close', () => clearTimeout(whole));
    request.on('error', (e) => resolve(done({ statusCode: null, responseBody: null, error: e.message })));
    request.end(req.payload);
  });
}
