import dns from 'node:dns';
import net, { LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';
import { validationFailed } from '../activepieces/errors';

/**
 * The SSRF guard Activepieces' server puts in front of its built-in secret-manager providers
 * (`safeHttp`, which sends every request through `request-filtering-agent`): an address whose
 * range is not public unicast is refused, unless `AP_SSRF_ALLOW_LIST` (or the provider's
 * `allowedNetworks` option) names it. The ranges are ipaddr.js's, as request-filtering-agent
 * uses them (https://github.com/whitequark/ipaddr.js, `SpecialRanges`).
 *
 * Two doors need guarding, because node does not call `lookup` for an IP literal:
 * - `lookup` checks every DNS answer and hands node the address it checked (no rebinding gap);
 * - `checkUrl` checks an IP written in the URL, before any socket is opened.
 */

export interface AddressClass {
  /** True only for public unicast; the allow list is not consulted here. */
  allowed: boolean;
  /** ipaddr.js's range name ('unicast', 'loopback', 'private', 'linkLocal', …), or 'invalid'. */
  range: string;
}

type Address = ipaddr.IPv4 | ipaddr.IPv6;

/** IPv6 global unicast (RFC 4291 §2.4, IANA ipv6-address-space); everything else is IETF-reserved. */
const IPV6_GLOBAL_UNICAST = ipaddr.IPv6.parseCIDR('2000::/3');

/** An IPv4-mapped IPv6 address comes back as its IPv4; a string that is not a strict IP, undefined. */
function parseAddress(ip: string): Address | undefined {
  if (net.isIP(ip) === 0) return undefined;
  try {
    return ipaddr.process(ip);
  } catch {
    return undefined;
  }
}

export function classifyAddress(ip: string): AddressClass {
  const address = parseAddress(ip);
  if (!address) return { allowed: false, range: 'invalid' };
  const range = rangeOf(address);
  return { allowed: range === 'unicast', range };
}

function rangeOf(address: Address): string {
  const range = address.range();
  // ipaddr.js calls the rest of ::/8 (e.g. IPv4-compatible ::7f00:1, deprecated) and other
  // unallocated space "unicast"; no public host lives outside 2000::/3.
  if (address.kind() === 'ipv6' && range === 'unicast' && !address.match(IPV6_GLOBAL_UNICAST)) return 'reserved';
  return range;
}

export interface AllowList {
  /** The entries as written (trimmed), for diagnostics. */
  readonly entries: readonly string[];
  allows(ip: string): boolean;
}

/** `AP_SSRF_ALLOW_LIST` semantics: comma-separated IPs and CIDRs, IPv4 or IPv6; blanks ignored. */
export function parseAllowList(text: string | undefined, source = 'AP_SSRF_ALLOW_LIST'): AllowList {
  return allowListOf((text ?? '').split(','), source);
}

export function allowListOf(entries: readonly string[], source: string): AllowList {
  const written = entries.map((entry) => entry.trim()).filter((entry) => entry !== '');
  const networks = written.map((entry) => parseNetwork(entry, source));
  return { entries: written, allows: (ip) => networks.some((network) => inNetwork(ip, network)) };
}

/** An IP is the network of that one address. Strict notation: `010.0.0.1` is refused, not read as octal. */
function parseNetwork(entry: string, source: string): [Address, number] {
  const [ip, prefix, extra] = entry.split('/');
  const kind = net.isIP(ip);
  const bits = kind === 4 ? 32 : 128;
  const length = prefix === undefined ? bits : /^\d{1,3}$/.test(prefix) ? Number(prefix) : NaN;
  if (kind === 0 || extra !== undefined || !(length <= bits)) {
    throw validationFailed(
      `${source} has an entry that is not an IP address or CIDR: "${entry}". Write IPs or CIDRs separated by commas, e.g. 10.0.0.5,10.1.0.0/16,fd00::/8.`,
    );
  }
  return [ipaddr.parse(ip), length];
}

/** An IPv4 address also matches an IPv6 network holding its mapped form (`::ffff:10.0.0.0/104`). */
function inNetwork(ip: string, network: [Address, number]): boolean {
  const address = parseAddress(ip);
  if (!address) return false;
  if (address.kind() === network[0].kind()) return address.match(network);
  return address.kind() === 'ipv4' && (address as ipaddr.IPv4).toIPv4MappedAddress().match(network);
}

const RANGE_WORDS: Record<string, string> = {
  private: 'a private',
  loopback: 'a loopback',
  linkLocal: 'a link-local',
  uniqueLocal: 'a unique-local',
  carrierGradeNat: 'a carrier-grade NAT (100.64.0.0/10)',
  unspecified: 'an unspecified',
  broadcast: 'a broadcast',
  multicast: 'a multicast',
  reserved: 'a reserved',
  invalid: 'not a valid',
};

const CLOUD_METADATA = '169.254.169.254';

/** Recognised by `isNetworkRefusedError` (also across copies of this package) and mapped to a connection failure. */
export class NetworkRefusedError extends Error {
  readonly code = 'ERR_NETWORK_REFUSED';

  constructor(
    readonly address: string,
    readonly range: string,
    readonly host: string = address,
  ) {
    super(refusalMessage(address, range, host));
    this.name = 'NetworkRefusedError';
  }
}

function refusalMessage(address: string, range: string, host: string): string {
  const what = RANGE_WORDS[range] ?? `a non-public (${range})`;
  const metadata = address === CLOUD_METADATA ? ' (the cloud metadata service)' : '';
  const to = host === address ? '' : ` to ${host}`;
  return (
    `Not connecting${to}: ${address} is ${what} address${metadata}. Activepieces refuses non-public addresses for secret managers; ` +
    `to allow it, add it to AP_SSRF_ALLOW_LIST (comma-separated IPs/CIDRs) or to the provider's allowedNetworks option.`
  );
}

export function isNetworkRefusedError(err: unknown): err is NetworkRefusedError {
  return err instanceof Error && err.name === 'NetworkRefusedError' && (err as Partial<NetworkRefusedError>).code === 'ERR_NETWORK_REFUSED';
}

export interface NetworkGuardOptions {
  /** IPs and CIDRs allowed on top of AP_SSRF_ALLOW_LIST. */
  allowedNetworks?: string[];
  /** Where AP_SSRF_ALLOW_LIST is read, once, here. Default process.env. */
  env?: NodeJS.ProcessEnv;
  /** The resolver asked for the answers that are checked. Default dns.lookup. */
  lookup?: LookupFunction;
  /** No check at all (the lookup is passed through). */
  disabled?: boolean;
}

export interface NetworkGuard {
  /** For `new http.Agent({ lookup })` / `http.request({ lookup })`. */
  readonly lookup: LookupFunction;
  /** Throws NetworkRefusedError when the URL's host is an IP that may not be reached. */
  checkUrl(url: URL): void;
  /** Throws NetworkRefusedError when `address` may not be reached; `host` names it in the message. */
  checkAddress(address: string, host?: string): void;
}

export function createNetworkGuard(options: NetworkGuardOptions = {}): NetworkGuard {
  // dns.lookup read at each call, not captured: a host (or a test) may replace it later.
  const resolve: LookupFunction = options.lookup ?? ((host, opts, callback) => (dns.lookup as LookupFunction)(host, opts, callback));
  if (options.disabled) return { lookup: resolve, checkUrl: () => undefined, checkAddress: () => undefined };
  const fromEnv = parseAllowList((options.env ?? process.env).AP_SSRF_ALLOW_LIST);
  const fromOptions = allowListOf(options.allowedNetworks ?? [], 'allowedNetworks');
  const checkAddress = (address: string, host: string = address): void => {
    if (fromEnv.allows(address) || fromOptions.allows(address)) return;
    const { allowed, range } = classifyAddress(address);
    if (!allowed) throw new NetworkRefusedError(address, range, host);
  };
  return {
    lookup: guardedLookup(resolve, checkAddress),
    checkUrl: (url) => {
      const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
      if (net.isIP(host) !== 0) checkAddress(host);
    },
    checkAddress,
  };
}

type LookupCallback = Parameters<LookupFunction>[2];

/**
 * Asks for every answer (`all: true`) whatever node asked for, refuses them all if one is refused
 * (a name that resolves to a public and a private address is not a public name), and gives node
 * the checked addresses, so it connects to exactly what was checked.
 */
function guardedLookup(resolve: LookupFunction, checkAddress: (address: string, host: string) => void): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname, { ...options, all: true }, (err, answer, family) => {
      if (err) return fail(callback, err);
      const answers = typeof answer === 'string' ? [{ address: answer, family: family ?? net.isIP(answer) }] : answer;
      if (answers.length === 0) return fail(callback, Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }));
      try {
        for (const { address } of answers) checkAddress(address, hostname);
      } catch (refusal) {
        return fail(callback, refusal as Error);
      }
      const checked = answers.map(({ address }) => ({ address, family: net.isIP(address) }));
      if (options.all) callback(null, checked);
      else callback(null, checked[0].address, checked[0].family);
    });
  };
}

function fail(callback: LookupCallback, err: NodeJS.ErrnoException): void {
  // Node's own dns.lookup calls back with the error alone; the address is never read.
  (callback as (err: NodeJS.ErrnoException) => void)(err);
}
