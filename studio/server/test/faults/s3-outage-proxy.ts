import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Which requests the proxy refuses: all of them (S3 is down), none, or those a predicate picks. */
export type OutageMode = 'up' | 'down' | ((req: { method: string; path: string }) => boolean);

/** What a refused request gets: a 503 (an overloaded S3), or no answer at all (a stalled one). */
export type OutageKind = '503' | 'hang';

export interface S3OutageProxy {
  /** `http://127.0.0.1:<port>`: point S3_ENDPOINT here. */
  endpoint: string;
  /** Requests answered 503 so far, by method. */
  refused: { method: string; path: string }[];
  set(mode: OutageMode, kind?: OutageKind): void;
  close(): Promise<void>;
}

/**
 * A fault injector in front of a real S3 server (s3rver): it forwards every request unchanged, or answers
 * `503 ServiceUnavailable` with S3's own XML error body — what S3 and MinIO answer when overloaded or down — to
 * the requests the current mode refuses, or leaves them unanswered (a stalled store). Nothing a refused request carries reaches the store.
 */
export async function startS3OutageProxy(target: string): Promise<S3OutageProxy> {
  const upstream = new URL(target);
  let mode: OutageMode = 'up';
  let kind: OutageKind = '503';
  const refused: { method: string; path: string }[] = [];
  const server: Server = createServer((req, res) => {
    const method = req.method ?? 'GET';
    const path = req.url ?? '/';
    const refuse = mode === 'down' || (typeof mode === 'function' && mode({ method, path }));
    if (refuse) {
      refused.push({ method, path });
      req.resume();
      if (kind === 'hang') return; // read the request, never answer: the client's timeout must end it
      const body = '<?xml version="1.0" encoding="UTF-8"?><Error><Code>ServiceUnavailable</Code><Message>Please reduce your request rate.</Message></Error>';
      res.writeHead(503, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(body) });
      res.end(method === 'HEAD' ? undefined : body);
      return;
    }
    const forwarded = request({ host: upstream.hostname, port: upstream.port, method, path, headers: req.headers }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    forwarded.on('error', () => { res.destroy(); });
    req.pipe(forwarded);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    refused,
    set: (m, k = '503') => { mode = m; kind = k; },
    close: () => new Promise<void>((done) => { server.closeAllConnections(); server.close(() => done()); }),
  };
}
