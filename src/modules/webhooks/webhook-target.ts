import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

/*
 * Where a webhook may point (SSRF protection): https, or plain http only to hosts the
 * operator allowed (WEBHOOK_ALLOW_HTTP_HOSTS); no credentials in the URL; and every address
 * the host resolves to must be public unicast: private, loopback, link-local (the cloud
 * metadata address 169.254.169.254 among them), unique-local, carrier-grade NAT, reserved and
 * unspecified addresses are refused unless WEBHOOK_ALLOW_PRIVATE=true. Checked when the
 * webhook is written and again when each delivery connects (DNS can change in between):
 * the delivery's connection resolves through `checkedLookup`, so the address checked is
 * the address connected to. The classification of addresses is ipaddr.js's.
 */

export interface TargetPolicy {
  allowPrivate: boolean;
  allowHttpHosts: readonly string[];
}

export class TargetRefused extends Error {}

/** Whether an address may be reached (IPv4-mapped IPv6 addresses are judged as the IPv4 they carry). */
export function publicAddress(address: string): boolean {
  let parsed = ipaddr.parse(address);
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  return parsed.range() === 'unicast';
}

/** The URL's form: scheme, credentials, port. Throws TargetRefused with the reason. */
export function checkUrl(raw: string, policy: TargetPolicy): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new TargetRefused('is not an absolute URL');
  }
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && policy.allowHttpHosts.includes(host))) {
    throw new TargetRefused(`must be https (http only to hosts in WEBHOOK_ALLOW_HTTP_HOSTS)`);
  }
  if (url.username || url.password) throw new TargetRefused('must not carry credentials; the signature authenticates the sender');
  if (url.hash) throw new TargetRefused('must not have a fragment');
  if (isIP(host) && !policy.allowPrivate && !publicAddress(host)) throw new TargetRefused(`points to a non-public address (${host})`);
  return url;
}

/** Resolves the host and refuses it when any address is not public. Unresolvable hosts are let through (a delivery resolves again). */
export async function checkResolved(url: URL, policy: TargetPolicy): Promise<void> {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (policy.allowPrivate || isIP(host)) return;
  let addresses: { address: string }[];
  try {
    // A resolver that does not answer within 2 s leaves the check to the delivery.
    addresses = await Promise.race([lookup(host, { all: true }), new Promise<never>((_, reject) => setTimeout(() => reject(new Error('slow resolver')), 2_000).unref())]);
  } catch {
    return;
  }
  const bad = addresses.find((a) => !publicAddress(a.address));
  if (bad) throw new TargetRefused(`resolves to a non-public address (${bad.address})`);
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | { address: string; family: number }[], family?: number) => void;

/** A dns.lookup for the delivery's sockets that refuses non-public addresses (what connects is what was checked). */
export function checkedLookup(policy: TargetPolicy) {
  return (hostname: string, options: { all?: boolean; family?: number }, callback: LookupCallback): void => {
    lookup(hostname, { all: true, ...(options.family ? { family: options.family } : {}) }).then(
      (addresses) => {
        const allowed = policy.allowPrivate ? addresses : addresses.filter((a) => publicAddress(a.address));
        if (allowed.length === 0) {
          const err = new Error(`${hostname} resolves to no public address`) as NodeJS.ErrnoException;
          err.code = 'EADDRNOTPUBLIC';
          callback(err, []);
          return;
        }
        if (options.all) callback(null, allowed);
        else callback(null, allowed[0]!.address, allowed[0]!.family);
      },
      (err: NodeJS.ErrnoException) => callback(err, []),
    );
  };
}
