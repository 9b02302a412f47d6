#!/usr/bin/env node
// Container health checks without curl or redis-cli in the image (plain Node, no dependencies).
//   node scripts/healthcheck.mjs http <url>     healthy when the URL answers 2xx
//   node scripts/healthcheck.mjs redis [url]    healthy when Redis ($REDIS_URL by default) answers PING
// Exit code 0: healthy, 1: not.
import net from 'node:net';
import tls from 'node:tls';

const TIMEOUT_MS = 4000;

async function checkHttp(url) {
  const res = await fetch(url, { signal: AbortSignal.timeout(TIMEOUT_MS) });
  if (!res.ok) throw new Error(`${url} answered ${res.status}`);
}

/** RESP array of bulk strings. */
const resp = (...args) => `*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`;

function checkRedis(raw) {
  if (!raw) throw new Error('no Redis URL (argument or REDIS_URL)');
  const url = new URL(raw);
  const secure = url.protocol === 'rediss:';
  const port = Number(url.port || 6379);
  const host = url.hostname;
  const user = decodeURIComponent(url.username);
  const password = decodeURIComponent(url.password);
  return new Promise((resolve, reject) => {
    const socket = secure ? tls.connect({ host, port, servername: host }) : net.connect({ host, port });
    socket.setTimeout(TIMEOUT_MS, () => socket.destroy(new Error(`no answer from ${host}:${port}`)));
    socket.once('error', reject);
    socket.once(secure ? 'secureConnect' : 'connect', () => {
      if (password) socket.write(user ? resp('AUTH', user, password) : resp('AUTH', password));
      socket.write(resp('PING'));
    });
    let buf = '';
    socket.on('data', (d) => {
      buf += d.toString('latin1');
      if (buf.startsWith('-')) {
        socket.destroy();
        reject(new Error(`Redis said ${buf.split('\r\n')[0]}`));
      } else if (buf.includes('+PONG\r\n')) {
        socket.end();
        resolve();
      }
    });
  });
}

const [mode, target] = process.argv.slice(2);
const checks = { http: () => checkHttp(target), redis: () => checkRedis(target ?? process.env.REDIS_URL) };
if (!checks[mode]) {
  console.error('usage: node scripts/healthcheck.mjs <http URL | redis [URL]>');
  process.exit(1);
}
checks[mode]().then(
  () => process.exit(0),
  (e) => {
    console.error(`unhealthy: ${e.message}`);
    process.exit(1);
  },
);
