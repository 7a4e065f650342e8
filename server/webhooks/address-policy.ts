import { lookup as dnsLookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

/** Addresses a webhook must not reach: the server's own network, not the merchant's. */
const PRIVATE = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.0.2.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['198.51.100.0', 24], ['203.0.113.0', 24],
  ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) PRIVATE.addSubnet(network, prefix, 'ipv4');
for (const [network, prefix] of [
  ['::', 128], ['::1', 128], ['64:ff9b::', 96], ['100::', 64], ['2001:db8::', 32], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8],
] as const) PRIVATE.addSubnet(network, prefix, 'ipv6');

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Resolves a host name to every address it has (tests give their own resolver). */
export type HostLookup = (hostname: string) => Promise<ResolvedAddress[]>;

export const systemLookup: HostLookup = async (hostname) =>
  (await dnsLookup(hostname, { all: true, verbatim: true })).map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));

/** `::ffff:10.0.0.1` is 10.0.0.1: an IPv4 address written as IPv6 is checked as IPv4. */
function normalize(address: string): ResolvedAddress {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped?.[1]) return { address: mapped[1], family: 4 };
  return { address, family: isIP(address) === 6 ? 6 : 4 };
}

export function isPrivateAddress(address: string): boolean {
  const { address: plain, family } = normalize(address);
  return PRIVATE.check(plain, family === 6 ? 'ipv6' : 'ipv4');
}

export type TargetCheck = { ok: true; target: ResolvedAddress } | { ok: false; reason: string };

/**
 * Resolves a webhook URL's host once and checks every address it has; the sender then connects to
 * the address checked here, so a name that re-resolves elsewhere (DNS rebinding) cannot slip past.
 */
export async function checkTarget(url: URL, options: { allowPrivate: boolean; lookup: HostLookup }): Promise<TargetCheck> {
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  let addresses: ResolvedAddress[];
  if (isIP(host)) {
    addresses = [normalize(host)];
  } else {
    try {
      addresses = (await options.lookup(host)).map((a) => normalize(a.address));
    } catch {
      return { ok: false, reason: `${host} does not resolve` };
    }
  }
  const first = addresses[0];
  if (!first) return { ok: false, reason: `${host} does not resolve` };
  if (!options.allowPrivate && addresses.some((a) => isPrivateAddress(a.address))) {
    return { ok: false, reason: `${host} resolves to a loopback, private, link-local or metadata address` };
  }
  return { ok: true, target: first };
}
