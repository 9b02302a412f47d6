import { lookup as dnsLookup } from 'node:dns/promises';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import tls from 'node:tls';
import ipaddr from 'ipaddr.js';
import { LaunchPhotoUrlRefusedError } from '../../errors.ts';

export interface PhotoFetchOptions {
  /** LAUNCH_URL_HOSTS: exact host names, or `*.example.com` for its subdomains. */
  hosts: readonly string[];
  maxBytes: number;
  /** For the whole download, every redirect included. */
  timeoutMs: number;
  /** @defaultValue 3 */
  maxRedirects?: number;
  /** Name resolution (tests point names at chosen addresses). @defaultValue the system resolver, every address */
  resolve?: (host: string) => Promise<{ address: string; family: number }[]>;
  /** Which addresses may be connected to. @defaultValue public unicast only (`isPublicAddress`) */
  addressAllowed?: (address: string) => boolean;
  /** @defaultValue ['https:']; tests add http: to talk to a local double */
  protocols?: readonly string[];
  /** Certificates (PEM) trusted besides Node's root store: a test's own CA, or a company CA in front of the photo host. */
  extraCa?: readonly string[];
}

/**
 * An address a server-side fetch may reach: public unicast only. Loopback, private (10/8, 172.16/12, 192.168/16, fc00::/7),
 * link-local (169.254/16 — the cloud metadata service — and fe80::/10), CGNAT (100.64/10, Alibaba's metadata), multicast,
 * reserved and unspecified addresses are refused; an IPv4-mapped IPv6 address is judged as the IPv4 address it maps.
 */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  let parsed = ipaddr.parse(address);
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  return parsed.range() === 'unicast';
}

/** Whether a URL's host is on the allow-list (lower-case; `*.shop.example` allows every subdomain, not the apex). */
export function hostAllowed(host: string, allowList: readonly string[]): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '').replace(/\.$/, '');
  return allowList.some((entry) => (entry.startsWith('*.') ? h.endsWith(entry.slice(1)) && h.length > entry.length - 1 : h === entry));
}

const refused = (reason: string): Error => new LaunchPhotoUrlRefusedError(reason);

const systemResolve = async (host: string) => dnsLookup(host, { all: true, verbatim: true });

/**
 * Download a manifest's photo URL, defending the farm's network: the host must be allowed, every address it resolves
 * to must be public, the connection goes to the address that was checked (no second lookup an attacker's DNS could
 * answer differently), and each redirect is checked the same way. Size and time are bounded.
 */
export async function fetchPhotoUrl(raw: string, opts: PhotoFetchOptions): Promise<{ bytes: Buffer; finalUrl: string }> {
  const protocols = opts.protocols ?? ['https:'];
  const allowed = opts.addressAllowed ?? isPublicAddress;
  const resolve = opts.resolve ?? systemResolve;
  const signal = AbortSignal.timeout(opts.timeoutMs);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw refused('not a URL');
  }
  for (let hop = 0; ; hop++) {
    if (!protocols.includes(url.protocol)) throw refused(`${url.protocol} is not allowed (https only)`);
    if (url.username || url.password) throw refused('URLs with credentials are not fetched');
    const host = url.hostname.replace(/^\[|\]$/g, '');
    if (!hostAllowed(host, opts.hosts)) throw refused(`host ${host} is not in LAUNCH_URL_HOSTS`);
    const addresses = ipaddr.isValid(host) ? [{ address: host, family: host.includes(':') ? 6 : 4 }] : await resolve(host).catch(() => { throw refused(`host ${host} does not resolve`); });
    if (addresses.length === 0) throw refused(`host ${host} does not resolve`);
    const bad = addresses.find((a) => !allowed(a.address));
    if (bad) throw refused(`host ${host} resolves to ${bad.address}, a private, loopback, link-local or reserved address`);
    const target = addresses[0]!;
    const answer = await request(url, target, signal, opts.maxBytes, opts.extraCa);
    if (answer.redirect) {
      if (hop >= (opts.maxRedirects ?? 3)) throw refused('too many redirects');
      url = new URL(answer.redirect, url);
      continue;
    }
    return { bytes: answer.bytes!, finalUrl: url.href };
  }
}

function request(url: URL, target: { address: string; family: number }, signal: AbortSignal, maxBytes: number, extraCa?: readonly string[]): Promise<{ redirect?: string; bytes?: Buffer }> {
  // Connect to the address that passed the check, whatever the resolver would say now.
  const pinned: LookupFunction = (_host, options, callback) => {
    if ((options as { all?: boolean }).all) (callback as unknown as (e: null, a: { address: string; family: number }[]) => void)(null, [target]);
    else callback(null, target.address, target.family);
  };
  const client = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const ca = extraCa && extraCa.length > 0 ? [...tls.rootCertificates, ...extraCa] : undefined;
    const req = client.get(url, { lookup: pinned, signal, headers: { accept: 'image/*', 'user-agent': 'shotfarm-launch/1' }, agent: false, ...(ca ? { ca } : {}) }, (res) => {
      const status = res.statusCode ?? 0;
      if (status >= 300 && status < 400 && res.headers.location) { res.resume(); resolve({ redirect: res.headers.location }); return; }
      if (status !== 200) { res.resume(); reject(refused(`the server answered ${status}`)); return; }
      const declared = Number(res.headers['content-length'] ?? 0);
      if (declared > maxBytes) { res.destroy(); reject(refused(`the photo is ${declared} bytes, more than ${maxBytes}`)); return; }
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > maxBytes) { res.destroy(); reject(refused(`the photo is more than ${maxBytes} bytes`)); return; }
        chunks.push(chunk);
      });
      res.on('end', () => resolve({ bytes: Buffer.concat(chunks) }));
      res.on('error', (e) => reject(refused(signal.aborted ? 'the download took too long' : `the download failed: ${e.message}`)));
    });
    req.on('error', (e) => reject(signal.aborted ? refused('the download took too long') : refused(`the download failed: ${e.message}`)));
  });
}
