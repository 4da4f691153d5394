// IPv4 CIDR matching for secret_id_bound_cidrs, cidr_list and token_bound_cidrs (the double listens on 127.0.0.1).

function ipv4ToInt(ip: string): number | undefined {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(ip.replace(/^::ffff:/, ''));
  if (!m) return undefined;
  return m.slice(1).reduce((acc, o) => acc * 256 + Number(o), 0);
}

/** True when `ip` lies in one of `cidrs` ("10.0.0.0/8", or a bare address = /32). */
export function ipInCidrs(ip: string, cidrs: string[]): boolean {
  const addr = ipv4ToInt(ip);
  return cidrs.some((cidr) => {
    const [base, bitsText] = cidr.split('/');
    const bits = bitsText === undefined ? 32 : Number(bitsText);
    const net = ipv4ToInt(base);
    if (addr === undefined || net === undefined) return false;
    const size = 2 ** (32 - bits);
    return Math.floor(addr / size) === Math.floor(net / size);
  });
}
