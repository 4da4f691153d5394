// Fault injection: refuse / delay / hang / reset / status, matched by method and path,
// limited by `times`, randomised by a seeded PRNG.
import { Reply, errorReply, sealedReply } from './responses';

export interface FaultRule {
  /** path is the URL path without query, e.g. "/v1/auth/approle/login" */
  match?: { method?: string | undefined; path?: string | RegExp | undefined } | undefined;
  /** apply to the next N matching requests (default: until cleared) */
  times?: number | undefined;
  /** 0..1, apply randomly (seeded: FaultInjector.setSeed) */
  probability?: number | undefined;
  kind: 'refuse' | 'delay' | 'hang' | 'reset' | 'status';
  delayMs?: number | undefined;
  status?: number | undefined;
  retryAfterSeconds?: number | undefined;
}

export interface FaultInjector {
  add(rule: FaultRule): void;
  clear(): void;
  setSeed(seed: number): void;
}

const KINDS = new Set(['refuse', 'delay', 'hang', 'reset', 'status']);
const DEFAULT_SEED = 0x5eed;

/** mulberry32: small, fast, good enough for test randomness. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface ActiveRule {
  rule: FaultRule;
  remaining: number | undefined;
}

export class Faults implements FaultInjector {
  private rules: ActiveRule[] = [];
  private random = mulberry32(DEFAULT_SEED);

  add(rule: FaultRule): void {
    if (!KINDS.has(rule.kind)) throw new Error(`unknown fault kind "${String(rule.kind)}"`);
    if (rule.kind === 'status' && rule.status === undefined) throw new Error('a "status" fault needs `status`');
    this.rules.push({ rule: { ...rule }, remaining: rule.times });
  }

  clear(): void {
    this.rules = [];
  }

  setSeed(seed: number): void {
    this.random = mulberry32(seed);
  }

  /** The fault to apply to this request (first matching rule that fires), consuming one `times`. */
  pick(method: string, path: string): FaultRule | undefined {
    for (const active of this.rules) {
      if (!matches(active.rule, method, path)) continue;
      const p = active.rule.probability;
      if (p !== undefined && this.random() >= p) continue;
      if (active.remaining !== undefined) {
        active.remaining -= 1;
        if (active.remaining <= 0) this.rules = this.rules.filter((r) => r !== active);
      }
      return active.rule;
    }
    return undefined;
  }
}

function matches(rule: FaultRule, method: string, path: string): boolean {
  const m = rule.match;
  if (!m) return true;
  if (m.method && m.method.toUpperCase() !== method.toUpperCase()) return false;
  if (m.path === undefined) return true;
  if (typeof m.path === 'string') return m.path === path;
  m.path.lastIndex = 0;
  return m.path.test(path);
}

/** Vault's body for an injected status (docs/vault-behaviour.md §9). */
export function faultStatusReply(rule: FaultRule, urlPath: string): Reply {
  const status = rule.status!;
  switch (status) {
    case 500:
      return errorReply(500, ['internal error']);
    case 503:
      return sealedReply(); // docs/vault-behaviour.md §9: 503 sealed body
    case 429: {
      // docs/vault-behaviour.md §9: rate limit quota body + Retry-After when configured
      const headers = rule.retryAfterSeconds !== undefined ? { 'Retry-After': String(rule.retryAfterSeconds) } : undefined;
      return errorReply(429, [`request path "${urlPath.replace(/^\/v1\//, '')}": rate limit quota exceeded`], headers);
    }
    default:
      return errorReply(status, []); // docs/vault-behaviour.md §9: errors may be an empty array (412, 502, …)
  }
}
