import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { promisify } from 'node:util';
import ipaddr from 'ipaddr.js';

const lookupAll = promisify(dnsLookup) as unknown as (host: string, opts: { all: true }) => Promise<LookupAddress[]>;

/** Why a webhook target was refused. */
export class TargetForbidden extends Error {
  constructor(message: string, readonly address?: string) { super(message); this.name = 'TargetForbidden'; }
}

/**
 * Public unicast only: loopback, private (RFC 1918, unique-local), link-local (the cloud metadata service at
 * 169.254.169.254 among them), carrier-grade NAT, multicast, reserved and unspecified addresses are refused, and an
 * IPv4 address written as IPv6 (::ffff:10.0.0.1) is judged as the IPv4 address it is.
 */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  let parsed = ipaddr.parse(address);
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  return parsed.range() === 'unicast';
}

const hostOf = (url: URL): string => url.hostname.replace(/^\[|\]$/g, '').toLowerCase();

/** Whether `host` is on the admin's allow-list (WEBHOOK_ALLOW_HOSTS): an internal receiver they vouch for. */
export const allowListed = (host: string, allowHosts: readonly string[]): boolean => allowHosts.includes(host.toLowerCase());

/**
 * Check a webhook URL before it is stored: http(s), no credentials, and every address its host resolves to is public
 * (unless the host is allow-listed). The same check runs again at connect time (`guardedLookup`), so a DNS answer
 * that changes after this check (rebinding) cannot reach an internal address either.
 */
export async function checkWebhookTarget(raw: string, allowHosts: readonly string[]): Promise<void> {
  let url: URL;
  try { url = new URL(raw); } catch { throw new TargetForbidden('not a URL'); }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new TargetForbidden(`scheme ${url.protocol} is not allowed (http or https)`);
  if (url.username || url.password) throw new TargetForbidden('URLs with credentials are not allowed: authenticate with the signature');
  const host = hostOf(url);
  if (allowListed(host, allowHosts)) return;
  const addresses = ipaddr.isValid(host) ? [{ address: host, family: host.includes(':') ? 6 : 4 }] : await lookupAll(host, { all: true }).catch((e: unknown) => {
    throw new TargetForbidden(`${host} does not resolve (${e instanceof Error ? e.message : String(e)})`);
  });
  const internal = addresses.find((a) => !isPublicAddress(a.address));
  if (internal) throw new TargetForbidden(`${host} resolves to ${internal.address}, a private, loopback, link-local or metadata address`, internal.address);
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * A `lookup` for http(s).request that refuses internal addresses at connect time (allow-listed hosts pass): the check
 * that counts, because it judges the address the socket will actually use.
 */
export function guardedLookup(allowHosts: readonly string[]) {
  return (hostname: string, options: { all?: boolean; family?: number }, callback: LookupCallback): void => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) { callback(err, []); return; }
      const list = addresses as LookupAddress[];
      if (!allowListed(hostname, allowHosts)) {
        const internal = list.find((a) => !isPublicAddress(a.address));
        if (internal) {
          callback(Object.assign(new TargetForbidden(`${hostname} resolved to ${internal.address}, an internal address: not connecting`, internal.address), { code: 'SF_WEBHOOK_URL_FORBIDDEN' }), []);
          return;
        }
      }
      if (options.all) callback(null, list);
      else callback(null, list[0]!.address, list[0]!.family);
    });
  };
}
